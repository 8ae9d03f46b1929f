import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the upstream received it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  raw: Buffer;
}

/** Optional custom answer; return true when handled. */
export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: string) => boolean;

/**
 * A stand-in for api/aria: records each request and answers with it as JSON, or parses a JSON
 * body and answers 400 itself when it is malformed (so tests can tell who parsed it).
 */
export class EchoUpstream {
  readonly seen: SeenRequest[] = [];
  handler: UpstreamHandler | undefined;

  url = "";
  private readonly server: Server;

  private constructor(private readonly name: string) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(name = "api"): Promise<EchoUpstream> {
    const upstream = new EchoUpstream(name);
    await new Promise<void>((resolve) => upstream.server.listen(0, "127.0.0.1", resolve));
    upstream.url = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;
    return upstream;
  }

  get last(): SeenRequest | undefined {
    return this.seen.at(-1);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const name = this.name;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString();
      this.seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, raw });
      if (this.handler?.(req, res, body)) return;
      if (req.headers["content-type"] === "application/json" && body.length > 0 && !isJson(body)) {
        res.writeHead(400, { "content-type": "application/problem+json" });
        return void res.end(JSON.stringify({ status: 400, code: `${name.toUpperCase()}_ERR_MALFORMED_JSON` }));
      }
      res.writeHead(200, { "content-type": "application/json", "x-upstream": name, "keep-alive": "timeout=5" });
      res.end(JSON.stringify({ service: name, method: req.method, url: req.url, body }));
    });
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
