import type { IncomingMessage } from "node:http";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { platformProblem, type ProblemError } from "@materi/platform";
import type { FastifyInstance } from "fastify";

/** A request body as sent upstream: none, or the client's stream (through a byte limit when unsized). */
export interface UpstreamBody {
  stream: Readable | null;
  /** Present when the body is unsized (chunked) and counted while it streams. */
  limit: LimitStream | undefined;
}

/**
 * Proxied bodies are never buffered or parsed here (a malformed JSON body reaches the service,
 * which answers for it). The size limit is still enforced: up front from Content-Length (Node's
 * parser stops the body there), and while streaming for chunked bodies. GET and HEAD bodies are
 * dropped, as Fastify always ignored them.
 */
export function upstreamBody(req: IncomingMessage, limitBytes: number): UpstreamBody | ProblemError {
  if (req.method === "GET" || req.method === "HEAD") return { stream: null, limit: undefined };
  const declared = req.headers["content-length"];
  if (declared !== undefined) {
    if (Number(declared) > limitBytes) return tooLarge(limitBytes);
    return { stream: declared === "0" ? null : req, limit: undefined };
  }
  if (req.headers["transfer-encoding"] === undefined) return { stream: null, limit: undefined };
  // pipe(), not pipeline(): on overflow the client socket must stay open for the 413 answer.
  const limit = new LimitStream(limitBytes);
  req.on("error", (err) => limit.destroy(err));
  return { stream: req.pipe(limit), limit };
}

/**
 * Replaces this (encapsulated) app's body parsers with one that reads nothing, for routes that
 * hand the raw request to the proxy (proxy/Upstream.ts) when Fastify, not the fast path, serves them.
 */
export function passThroughBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
}

export function tooLarge(limitBytes: number): ProblemError {
  return platformProblem("PLATFORM_ERR_BODY_TOO_LARGE", `The request body is larger than ${limitBytes} bytes.`, {
    extensions: { limit_bytes: limitBytes },
  });
}

/** Passes bytes through until more than `limitBytes` went by, then fails (and says so). */
export class LimitStream extends Transform {
  /** Whether the body went past the limit: the upstream call's failure is then a 413. */
  exceeded = false;
  private seen = 0;

  constructor(readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limitBytes) {
      this.exceeded = true;
      callback(tooLarge(this.limitBytes));
      return;
    }
    callback(null, chunk);
  }
}
