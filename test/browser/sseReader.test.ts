import { describe, expect, it } from "vitest";
import { readSse, type SseEvent } from "../../apps/canvas/src/lib/sse.js";

/** A body delivered in the given chunks, as a network would split it. */
function bodyOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function eventsOf(chunks: string[]): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of readSse(bodyOf(chunks))) events.push(event);
  return events;
}

describe("canvas readSse (the AI panel's stream reader)", () => {
  it("reads aria's token/done events whatever the chunk boundaries", async () => {
    const wire = 'event: token\ndata: {"text":"Hel"}\n\nevent: token\ndata: {"text":"lo"}\n\nevent: done\ndata: {"request_id":"r1"}\n\n';
    const whole = await eventsOf([wire]);
    expect(whole).toEqual([
      { event: "token", data: '{"text":"Hel"}' },
      { event: "token", data: '{"text":"lo"}' },
      { event: "done", data: '{"request_id":"r1"}' },
    ]);
    // Every split point, including inside a field name and between the two newlines.
    for (let cut = 1; cut < wire.length; cut += 1) {
      expect(await eventsOf([wire.slice(0, cut), wire.slice(cut)])).toEqual(whole);
    }
  });

  it("joins multi-line data, ignores comments, defaults the name to message, accepts CRLF", async () => {
    const events = await eventsOf([": keep-alive\r\n\r\ndata: one\r\ndata: two\r\n\r\nevent: error\r\ndata:{\"message\":\"quota\"}\r\n\r\n"]);
    expect(events).toEqual([
      { event: "message", data: "one\ntwo" },
      { event: "error", data: '{"message":"quota"}' },
    ]);
  });

  it("decodes a multi-byte character split across chunks", async () => {
    const bytes = new TextEncoder().encode('event: token\ndata: {"text":"café ✦"}\n\n');
    const cut = bytes.indexOf(0xe2) + 1;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    for await (const event of readSse(stream)) events.push(event);
    expect(events).toEqual([{ event: "token", data: '{"text":"café ✦"}' }]);
  });
});
