import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace } from "../api/documentFixtures.js";
import { newTestUser, type TestUser } from "../api/stack.js";
import { connectProvider, startRelayStack, until, type RelayProcess, type RelayStack } from "./relayStack.js";

// Idle documents are unloaded and their memory returns (relay run with --expose-gc and its
// test-only /internal/debug/heap, which runs gc() before reading heapUsed).

const DOCUMENTS = 1_000;
const CONCURRENCY = 50;

describe("relay: memory after 1,000 documents", () => {
  let stack: RelayStack;
  let relay: RelayProcess;
  let owner: TestUser;
  let ids: string[] = [];

  beforeAll(async () => {
    stack = await startRelayStack({ relays: 0 });
    relay = await stack.addRelay({ RELAY_DEBUG_ENDPOINTS: "true" }, { nodeArgs: ["--expose-gc"] });
    owner = await newTestUser(stack, "owner");
    const workspaceId = await makeWorkspace(owner);
    for (let i = 0; i < DOCUMENTS; i += CONCURRENCY) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, DOCUMENTS - i) }, async () => {
          const res = await owner.call("POST", "/api/v1/documents", { workspace_id: workspaceId, title: "Doc" });
          expect(res.status).toBe(201);
          return ((await res.json()) as { id: string }).id;
        }),
      );
      ids = ids.concat(batch);
    }
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  const heap = async (): Promise<{ heap_used: number; gc: boolean; documents_loaded: number }> =>
    (await (await relay.internal("/internal/debug/heap")).json()) as { heap_used: number; gc: boolean; documents_loaded: number };

  /** Opens each document with a provider, makes one edit, acknowledged, then closes it. */
  const openAndClose = async (documentIds: readonly string[]): Promise<void> => {
    for (let i = 0; i < documentIds.length; i += CONCURRENCY) {
      await Promise.all(
        documentIds.slice(i, i + CONCURRENCY).map(async (documentId) => {
          const c = await connectProvider({ url: relay.wsUrl, documentId, token: owner.token });
          c.doc.getText("t").insert(0, "x");
          await c.acknowledged();
          c.close();
        }),
      );
    }
    await until(async () => (await heap()).documents_loaded === 0, 10_000, () => "documents still loaded");
  };

  it("opening and closing 1,000 documents leaves the heap within 10% of its baseline after gc()", async () => {
    // Warm-up: JIT, pools, caches that exist once per process.
    await openAndClose(ids.slice(0, 100));
    const baseline = await heap();
    expect(baseline.gc).toBe(true);
    await openAndClose(ids);
    const after = await heap();
    expect(after.documents_loaded).toBe(0);
    expect(after.heap_used, `baseline ${baseline.heap_used}, after ${after.heap_used}`).toBeLessThanOrEqual(baseline.heap_used * 1.1);
  }, 120_000);
});
