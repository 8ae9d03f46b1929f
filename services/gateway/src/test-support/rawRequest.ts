import { request, type IncomingHttpHeaders } from "node:http";

/** A response as it came off the wire, for tests that need what fetch() would normalise away. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequestOptions {
  method?: string;
  /** Sent exactly as given (fetch() would resolve `..` and re-encode). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the body only once the server answers 100 Continue (with `expect: 100-continue`). */
  waitForContinue?: boolean;
}

/** One HTTP/1.1 request with node:http, on a fresh connection. */
export function rawRequest(baseUrl: string, options: RawRequestOptions): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method: options.method ?? "GET", path: options.path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.waitForContinue === true) {
      req.on("continue", () => req.end(options.body));
      return;
    }
    req.end(options.body);
  });
}
