import { Transform, type TransformCallback } from "node:stream";
import { platformProblem, type ProblemError } from "@materi/platform";
import type { FastifyInstance } from "fastify";

/** Set on a request whose streamed body went past the limit, so the upstream failure becomes a 413. */
const overLimit = new WeakSet<object>();

/**
 * Replaces this (encapsulated) app's body parsers with one that hands the raw request stream to
 * reply-from: proxied bodies are never buffered or parsed here (a malformed JSON body reaches the
 * service, which answers for it). The size limit is still enforced: up front from Content-Length,
 * and while streaming for chunked bodies.
 */
export function passThroughBodies(app: FastifyInstance, limitBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (request, payload, done) => {
    const declared = request.headers["content-length"];
    if (declared !== undefined) {
      // Node's parser stops the body at Content-Length, so checking the declaration is enough.
      if (Number(declared) > limitBytes) return done(tooLarge(limitBytes), undefined);
      return done(null, payload);
    }
    // pipe(), not pipeline(): on overflow the client socket must stay open for the 413 answer.
    const limited = new LimitStream(limitBytes, request);
    payload.on("error", (err) => limited.destroy(err));
    done(null, payload.pipe(limited));
  });
}

/** Whether this request's body was cut off for being larger than the limit. */
export function bodyWasTooLarge(request: object): boolean {
  return overLimit.has(request);
}

export function tooLarge(limitBytes: number): ProblemError {
  return platformProblem("PLATFORM_ERR_BODY_TOO_LARGE", `The request body is larger than ${limitBytes} bytes.`, {
    extensions: { limit_bytes: limitBytes },
  });
}

class LimitStream extends Transform {
  private seen = 0;

  constructor(
    private readonly limitBytes: number,
    private readonly request: object,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limitBytes) {
      overLimit.add(this.request);
      callback(tooLarge(this.limitBytes));
      return;
    }
    callback(null, chunk);
  }
}
