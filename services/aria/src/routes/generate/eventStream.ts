import { PassThrough } from "node:stream";
import type { FastifyReply } from "fastify";

/**
 * The Server-Sent Events of a streamed generation (documented in services/aria/README.md):
 *   event: token  data: {"text": "..."}                         one per piece of text, in order
 *   event: done   data: {"request_id", "provider", "model", "usage": {...}, "applied": {...}|null}
 *   event: error  data: {"code", "message", "request_id"}       the stream failed; its text is incomplete
 * Exactly one `done` or `error` ends the stream.
 */
export class EventStream {
  private readonly body = new PassThrough();

  /** Sends the status and headers and starts the body: from here on failures are `error` events. */
  constructor(reply: FastifyReply) {
    reply
      .code(200)
      .header("content-type", "text/event-stream; charset=utf-8")
      .header("cache-control", "no-cache, no-transform")
      // Proxies that buffer (nginx) would otherwise hold the tokens back.
      .header("x-accel-buffering", "no")
      .send(this.body);
  }

  send(event: "token" | "done" | "error", data: unknown): void {
    if (!this.body.writableEnded) this.body.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end(): void {
    this.body.end();
  }
}

/** True when the request asks for a stream: `stream: true`, or `Accept: text/event-stream`. */
export function wantsStream(stream: boolean | undefined, accept: string | undefined): boolean {
  if (stream !== undefined) return stream;
  return accept !== undefined && /\btext\/event-stream\b/i.test(accept);
}
