import { describe, expect, it } from "vitest";
import {
  CONSUMER_GROUPS,
  DLQ_STREAM,
  SERVICES,
  STREAM_TABLE,
  UnknownStreamError,
  retentionFor,
  streamFor,
  streamName,
  streamsConsumedBy,
} from "./streams.js";

const HOUR = 3_600_000;

describe("streams", () => {
  it("names and retains the spec's streams exactly", () => {
    expect(Object.fromEntries(Object.entries(STREAM_TABLE).map(([d, s]) => [streamName(d as keyof typeof STREAM_TABLE), s.retentionMs]))).toEqual({
      "materi:events:users": 7 * 24 * HOUR,
      "materi:events:documents": 7 * 24 * HOUR,
      "materi:events:collaboration": 24 * HOUR,
      "materi:events:ai": 24 * HOUR,
      "materi:events:system": 7 * 24 * HOUR,
    });
    expect(DLQ_STREAM).toBe("materi:events:dlq");
  });

  it("routes event types by prefix", () => {
    expect(streamFor("user.created")).toBe("materi:events:users");
    expect(streamFor("document.updated")).toBe("materi:events:documents");
    expect(streamFor("workspace.member_added")).toBe("materi:events:documents");
    expect(streamFor("collaboration.edit")).toBe("materi:events:collaboration");
    expect(streamFor("ai.generation.completed")).toBe("materi:events:ai");
    expect(streamFor("system.started")).toBe("materi:events:system");
    expect(streamFor("user.created", "test:x")).toBe("test:x:events:users");
  });

  it("refuses an unknown prefix with a clear error", () => {
    expect(() => streamFor("billing.charged")).toThrow(UnknownStreamError);
    expect(() => streamFor("users.created")).toThrow(/"users.created" routes to no stream: its prefix must be one of user\., document\./);
  });

  it("gives retention by stream name, none for the DLQ and foreign names", () => {
    expect(retentionFor("materi:events:ai")).toBe(24 * HOUR);
    expect(retentionFor("test:x:events:users")).toBe(7 * 24 * HOUR);
    expect(retentionFor(DLQ_STREAM)).toBeUndefined();
    expect(retentionFor("something:else")).toBeUndefined();
    expect(retentionFor("x:events:toString")).toBeUndefined();
  });

  it("lists the spec's consumer groups, the system stream read by every service", () => {
    expect(CONSUMER_GROUPS).toEqual({
      users: ["api", "relay"],
      documents: ["relay", "shield"],
      collaboration: ["api"],
      ai: ["api"],
      system: SERVICES,
    });
    expect(streamsConsumedBy("relay")).toEqual(["users", "documents", "system"]);
    expect(streamsConsumedBy("gateway")).toEqual(["system"]);
  });
});
