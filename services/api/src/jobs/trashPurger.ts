import type { ApiContext } from "../context.js";
import { deleteExpiredDocument, findExpiredTrash } from "../store/documentStore.js";

const BATCH = 100;

/**
 * Deletes documents trashed longer than TRASH_RETENTION_DAYS: the metadata row first (so nothing
 * can restore it any more), then its content in the docstore. A crash between the two leaves
 * orphan content that the next run cannot see; acceptable, since it is unreachable.
 */
export async function purgeExpiredTrash(ctx: Pick<ApiContext, "db" | "docs" | "config" | "logger">): Promise<number> {
  const days = ctx.config.TRASH_RETENTION_DAYS;
  let purged = 0;
  for (const id of await findExpiredTrash(ctx.db, days, BATCH)) {
    if (!(await deleteExpiredDocument(ctx.db, id, days))) continue;
    await ctx.docs.purge(id);
    purged += 1;
  }
  if (purged > 0) ctx.logger.info({ purged }, "purged expired documents from the trash");
  return purged;
}
