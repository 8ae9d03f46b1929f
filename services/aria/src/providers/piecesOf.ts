import type { StreamPiece } from "./types.js";

/**
 * The SDK stream's events as StreamPieces, with its errors (a dropped connection, an SSE `error`
 * event) turned by `toError` like those of the opening call.
 */
export async function* piecesOf<E>(
  events: AsyncIterable<E>,
  toError: (err: unknown) => unknown,
  translate: (event: E) => StreamPiece[],
): AsyncGenerator<StreamPiece, void, undefined> {
  try {
    for await (const event of events) yield* translate(event);
  } catch (err) {
    throw toError(err);
  }
}
