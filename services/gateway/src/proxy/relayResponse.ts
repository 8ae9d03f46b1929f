import type { Readable } from "node:stream";
import type { FastifyReply } from "fastify";
import { upstreamProblem } from "./upstreamErrors.js";

/**
 * Bodies up to this size (by the upstream's Content-Length) are read whole and sent as one
 * buffer: headers and body then leave in a single write, where piping a stream costs stream
 * bookkeeping and extra writes per response. Larger or unsized bodies stream through. 64 KiB.
 */
export const BUFFERED_BODY_MAX_BYTES = 64 * 1024;

/** Sends the upstream's body to the client (reply-from has already copied status and headers). */
export function relayResponse(service: string, reply: FastifyReply, body: Readable): void {
  const declared = reply.getHeader("content-length");
  const length = typeof declared === "string" ? Number(declared) : typeof declared === "number" ? declared : Number.NaN;
  if (!(length <= BUFFERED_BODY_MAX_BYTES)) {
    void reply.send(body);
    return;
  }
  readWhole(body).then(
    (buffer) => void reply.send(buffer),
    (err: Error) => {
      // Headers are not sent yet (nothing was written), so the client still gets a problem.
      if (!reply.sent) void reply.send(upstreamProblem(service, err));
    },
  );
}

function readWhole(body: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on("data", (chunk: Buffer) => chunks.push(chunk));
    body.once("error", reject);
    body.once("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
  });
}
