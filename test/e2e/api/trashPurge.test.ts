import { createDocStore, type DocStore } from "@materi/docstore";
import { createDatabase, createLogger, type Database } from "@materi/platform";
import { purgeExpiredTrash } from "../../../services/api/src/jobs/trashPurger.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, makeWorkspace, sql } from "./documentFixtures.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

describe("trash purge", () => {
  let stack: ApiStack;
  let owner: TestUser;
  let db: Database;
  let docs: DocStore;
  const logger = createLogger({ service: "test", level: "silent" });

  beforeAll(async () => {
    stack = await startApiStack();
    owner = await newTestUser(stack, "purge");
    db = createDatabase({ url: stack.database.url });
    docs = createDocStore({ db, logger, redisUrl: stack.redisUrl });
  }, 120_000);

  afterAll(async () => {
    await docs?.channel.close();
    await db?.close();
    await stack?.close();
  });

  it("deletes documents past the retention window, with their content, and keeps the rest", async () => {
    const workspaceId = await makeWorkspace(owner);
    const expired = await createDocument(owner, workspaceId, "Old", "# Old\n\nGone soon.");
    const recent = await createDocument(owner, workspaceId, "Recent", "Still restorable.");
    for (const doc of [expired, recent]) expect((await owner.call("DELETE", `/api/v1/documents/${doc.id}`)).status).toBe(204);
    await sql(stack, "update api.documents set trashed_at = now() - interval '31 days' where id = $1", [expired.id]);

    const purged = await purgeExpiredTrash({ db, docs, logger, config: stack.config });

    expect(purged).toBe(1);
    expect(await sql(stack, "select id from api.documents where id = $1", [expired.id])).toEqual([]);
    expect(await sql(stack, "select count(*)::int as n from docstore.updates where document_id = $1", [expired.id])).toEqual([{ n: 0 }]);
    expect((await owner.call("POST", `/api/v1/documents/${recent.id}/restore`)).status).toBe(200);
    expect((await owner.call("POST", `/api/v1/documents/${expired.id}/restore`)).status).toBe(404);
  });
});
