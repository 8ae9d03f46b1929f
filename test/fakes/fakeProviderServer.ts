import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What a fake provider does with one request. Steps queued with `next()` apply to the following
 * requests in order; `always()` sets what happens once the queue is empty (default: answer).
 */
export type FakeStep =
  /** Answers normally, `text` or the fake's `reply`. */
  | { kind: "answer"; text?: string }
  /** Answers with an HTTP error in the provider's error format (e.g. 500, or 429 with Retry-After). */
  | { kind: "status"; status: number; headers?: Record<string, string>; message?: string }
  /** Streams `afterTokens` tokens, then fails the way the real provider does mid-stream. */
  | { kind: "break"; afterTokens: number }
  /** Stream only: sends the headers and opening frames, then nothing until the client leaves. */
  | { kind: "stall" };

/** One request the fake received. */
export interface FakeCall {
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
  stream: boolean;
  /** True once the client closed the connection before the answer was complete (the caller cancelled). */
  closedByClient: boolean;
}

/** How one provider speaks: its path, auth check and wire formats. */
export interface WireFormat {
  /** The request path the SDK posts to, e.g. "/v1/chat/completions". */
  path: string;
  /** Whether the request carries `key`. */
  authorized(req: IncomingMessage, key: string): boolean;
  /** The JSON body of an error answer. */
  errorBody(status: number, message: string): unknown;
  /** The JSON body of a whole answer. */
  completion(body: Record<string, unknown>, text: string, usage: FakeUsage): unknown;
  /** The SSE frames of a streamed answer, in order, for `tokens`. */
  streamFrames(body: Record<string, unknown>, tokens: string[], usage: FakeUsage): StreamFrames;
  /** What the provider does when it fails mid-stream: a last frame, or null to drop the connection. */
  breakFrame(): string | null;
}

export interface StreamFrames {
  head: string[];
  /** One frame per token, same order. */
  tokens: string[];
  tail: string[];
}

export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface FakeProviderOptions {
  /** The key requests must carry. Default "test-key". */
  apiKey?: string;
  /** The default answer. */
  reply?: string;
  /** Wait before the first byte of an answer, in ms. Default 0. */
  firstTokenDelayMs?: number;
  /** Wait between streamed tokens, in ms. Default 0. */
  tokenDelayMs?: number;
}

export interface FakeProvider {
  /** The server's origin, http://127.0.0.1:<port>. */
  origin: string;
  /** Every request received, oldest first. */
  readonly calls: FakeCall[];
  /** The answer text of "answer" steps without their own. */
  reply: string;
  firstTokenDelayMs: number;
  tokenDelayMs: number;
  /** Queues steps for the next requests. */
  next(...steps: FakeStep[]): void;
  /** What happens when the queue is empty. */
  always(step: FakeStep): void;
  /** Empties the queue and the call log; back to answering. */
  reset(): void;
  close(): Promise<void>;
}

/** Answers the fake cut itself, so their close is not the client's. */
const dropped = new WeakSet<ServerResponse>();

function drop(res: ServerResponse): void {
  dropped.add(res);
  res.destroy();
}

const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** Splits text into word tokens ("Hello ", "world"), the pieces a provider streams. */
export function tokensOf(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** A local HTTP server speaking `format`, driven by queued steps. */
export async function startFakeProvider(format: WireFormat, opts: FakeProviderOptions = {}): Promise<FakeProvider> {
  const apiKey = opts.apiKey ?? "test-key";
  const queue: FakeStep[] = [];
  let fallback: FakeStep = { kind: "answer" };
  const fake = {
    origin: "",
    calls: [] as FakeCall[],
    reply: opts.reply ?? "Hello from the fake provider.",
    firstTokenDelayMs: opts.firstTokenDelayMs ?? 0,
    tokenDelayMs: opts.tokenDelayMs ?? 0,
    next: (...steps: FakeStep[]) => void queue.push(...steps),
    always: (step: FakeStep) => void (fallback = step),
    reset: () => {
      queue.length = 0;
      fake.calls.length = 0;
      fallback = { kind: "answer" };
    },
    close: () => closeServer(server),
  };
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => drop(res));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = JSON.parse((await readAll(req)) || "{}") as Record<string, unknown>;
    if (req.method !== "POST" || req.url?.split("?")[0] !== format.path) return sendJson(res, 404, format.errorBody(404, `no route ${req.url}`));
    if (!format.authorized(req, apiKey)) return sendJson(res, 401, format.errorBody(401, "invalid api key"));
    const stream = body["stream"] === true;
    const call: FakeCall = { path: format.path, headers: req.headers, body, stream, closedByClient: false };
    fake.calls.push(call);
    res.once("close", () => {
      if (!res.writableFinished && !dropped.has(res)) call.closedByClient = true;
    });
    const step = queue.shift() ?? fallback;
    await sleep(fake.firstTokenDelayMs);
    if (step.kind === "status") return sendJson(res, step.status, format.errorBody(step.status, step.message ?? `fake ${step.status}`), step.headers);
    const text = step.kind === "answer" ? (step.text ?? fake.reply) : fake.reply;
    const tokens = tokensOf(text);
    const usage = { inputTokens: Math.ceil(JSON.stringify(body).length / 4), outputTokens: tokens.length };
    if (!stream) {
      if (step.kind === "break") return drop(res);
      return sendJson(res, 200, format.completion(body, text, usage));
    }
    if (step.kind === "stall") return stall(res, format.streamFrames(body, tokens, usage).head);
    await sendStream(res, format, body, tokens, usage, step.kind === "break" ? step.afterTokens : undefined, () => fake.tokenDelayMs);
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

async function sendStream(
  res: ServerResponse,
  format: WireFormat,
  body: Record<string, unknown>,
  tokens: string[],
  usage: FakeUsage,
  breakAfter: number | undefined,
  tokenDelayMs: () => number,
): Promise<void> {
  const frames = format.streamFrames(body, tokens, usage);
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  for (const frame of frames.head) res.write(frame);
  for (const [i, frame] of frames.tokens.entries()) {
    if (breakAfter !== undefined && i >= breakAfter) {
      const last = format.breakFrame();
      if (last !== null) return void res.end(last);
      // Let what was written reach the client first: a drop after the tokens, not instead of them.
      await new Promise<void>((resolve) => res.write("", () => resolve()));
      await sleep(20);
      return drop(res);
    }
    if (i > 0) await sleep(tokenDelayMs());
    // The client left: a real provider stops generating too.
    if (res.destroyed) return;
    res.write(frame);
  }
  for (const frame of frames.tail) res.write(frame);
  res.end();
}

function stall(res: ServerResponse, head: string[]): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const frame of head) res.write(frame);
  return new Promise((resolve) => res.once("close", () => resolve()));
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}
