import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, makeWorkspace } from "../api/documentFixtures.js";
import { newTestUser } from "../api/stack.js";
import { launchAll, tempDataDir, type Launched } from "../helpers/launch.js";
import { connectProvider, textOf, until, type ProviderClient } from "./relayStack.js";

// `npm start` with nothing configured: the relay in the all-in-one process (PGlite, in-process
// update channel and events), reached through the gateway's /collab.

describe("relay on embedded defaults", () => {
  let running: Launched;
  const open: ProviderClient[] = [];
  beforeAll(async () => {
    running = await launchAll({ MATERI_DATA_DIR: tempDataDir() });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await running?.stop();
  });

  it("syncs clients through the gateway and delivers REST writes to them", async () => {
    const base = running.urls.gateway!;
    const [owner, editor] = [await newTestUser({ base }, "owner"), await newTestUser({ base }, "editor")];
    const workspaceId = await makeWorkspace(owner, [[editor, "editor"]]);
    const doc = await createDocument(owner, workspaceId, "Embedded", "Start");
    const url = `${base.replace(/^http/, "ws")}/collab`;
    const a = await connectProvider({ url, documentId: doc.id, token: editor.token });
    const b = await connectProvider({ url, documentId: doc.id, token: owner.token });
    open.push(a, b);
    a.doc.getText("t").insert(0, "typed");
    await a.acknowledged();
    await until(() => textOf(b.doc) === "typed", 5_000, () => textOf(b.doc));
    const res = await owner.call("PATCH", `/api/v1/documents/${doc.id}`, { content: "Rewritten" });
    expect(res.status, await res.clone().text()).toBe(200);
    await until(() => a.doc.getXmlFragment("default").toString().includes("Rewritten"), 5_000, () => a.doc.getXmlFragment("default").toString());
  });
});
