import { create } from "@bufbuild/protobuf";
import { DocumentEventSchema, MembershipEventSchema, UserEventSchema } from "@materi/contracts";
import { createEventBus, createMemoryTransport } from "@materi/events";
import { createLogger } from "@materi/platform";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { PermissionCache } from "../permissions/PermissionCache.js";
import { PermissionInvalidationConsumer } from "./PermissionInvalidationConsumer.js";

function recordingCache(): PermissionCache & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    get: async () => null,
    invalidateWorkspace: (id) => void calls.push(`workspace:${id}`),
    invalidateDocument: (id) => void calls.push(`document:${id}`),
    invalidateUser: (id) => void calls.push(`user:${id}`),
    stop: async () => undefined,
  };
}

describe("PermissionInvalidationConsumer", () => {
  it("every replica's tail sees every permission event, and nothing else", async () => {
    const transport = createMemoryTransport();
    const logger = createLogger({ service: "test", level: "silent" });
    const bus = createEventBus({ service: "api", transport, logger });
    // Two replicas on one transport: a shared consumer group would split the events between them.
    const replicas = [recordingCache(), recordingCache()];
    const tails = replicas.map((permissions) => PermissionInvalidationConsumer.start({ transport, permissions, logger, pollMs: 10 }));
    const [workspaceId, documentId, userId] = [randomUUID(), randomUUID(), randomUUID()];
    await bus.publish("user.created", create(UserEventSchema, { userId, email: "a@example.test", action: "created" }));
    await bus.publish("workspace.member_role_changed", create(MembershipEventSchema, { workspaceId, userId, actorId: userId, action: "member_role_changed", role: "viewer" }));
    await bus.publish("document.shared", create(DocumentEventSchema, { documentId, workspaceId, userId, action: "shared" }));
    await bus.publish("user.deleted", create(UserEventSchema, { userId, email: "a@example.test", action: "deleted" }));
    const expected = [`workspace:${workspaceId}`, `document:${documentId}`, `user:${userId}`];
    for (const replica of replicas) await expect.poll(() => replica.calls.slice().sort(), { timeout: 5_000 }).toEqual(expected.slice().sort());
    await Promise.all(tails.map((tail) => tail.stop()));
    // Stopped: later events change nothing.
    await bus.publish("document.deleted", create(DocumentEventSchema, { documentId, workspaceId, action: "deleted" }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(replicas[0]!.calls).toHaveLength(3);
    await bus.close();
    await transport.close();
  });
});
