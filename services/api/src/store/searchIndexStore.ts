import type { Queryable } from "@materi/platform";

/** Every document id (trashed ones too: their search text must be right when restored), in id order, after `afterId`. */
export async function documentIdsAfter(db: Queryable, afterId: string | null, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "select id from api.documents where ($1::uuid is null or id > $1::uuid) order by id limit $2",
    [afterId, limit],
  );
  return rows.map((row) => row.id);
}

/** Sets the search text taken at `seq`; true when it differed. Leaves version and updated_at alone: no user change. */
export async function setSearchText(db: Queryable, documentId: string, text: string, seq: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `update api.documents set search_text = $2, content_seq = $3
      where id = $1 and (search_text is distinct from $2 or content_seq is distinct from $3)`,
    [documentId, text, seq],
  );
  return rowCount > 0;
}
