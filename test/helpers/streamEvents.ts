import { catalogDecoders, decodeEnvelope, streamName, type DecodedEnvelope, type StreamDomain } from "@materi/events";
import type { Redis } from "ioredis";

/**
 * Every event on a domain stream from `start` on (an XRANGE start: an entry id, inclusive, or
 * "(id" for after it), decoded with the catalog: the envelope's fields and the typed payload.
 */
export async function decodedEvents(redis: Redis, domain: StreamDomain, start: string): Promise<DecodedEnvelope[]> {
  const entries = await redis.xrangeBuffer(streamName(domain), start, "+");
  const decoded: DecodedEnvelope[] = [];
  for (const [, fields] of entries) {
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i]?.toString() === "envelope") decoded.push(await decodeEnvelope(fields[i + 1] as Buffer, catalogDecoders));
    }
  }
  return decoded;
}
