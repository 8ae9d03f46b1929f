import type { Queryable } from "@materi/platform";

/** A user as the api knows them from Shield's events (or a Shield lookup). */
export interface DirectoryUser {
  userId: string;
  email: string;
  name: string;
  deleted: boolean;
}

interface Row {
  user_id: string;
  email: string;
  name: string;
  deleted_at: Date | null;
}

const toUser = (row: Row): DirectoryUser => ({ userId: row.user_id, email: row.email, name: row.name, deleted: row.deleted_at !== null });

export async function findDirectoryUserById(db: Queryable, userId: string): Promise<DirectoryUser | null> {
  const { rows } = await db.query<Row>("select user_id, email, name, deleted_at from api.user_directory where user_id = $1", [userId]);
  return rows[0] ? toUser(rows[0]) : null;
}

/** `email` must already be normalised (trimmed, lower case), as Shield stores it. */
export async function findDirectoryUserByEmail(db: Queryable, email: string): Promise<DirectoryUser | null> {
  const { rows } = await db.query<Row>(
    "select user_id, email, name, deleted_at from api.user_directory where email = $1 and deleted_at is null",
    [email],
  );
  return rows[0] ? toUser(rows[0]) : null;
}

export async function findDirectoryUsers(db: Queryable, userIds: readonly string[]): Promise<Map<string, DirectoryUser>> {
  if (userIds.length === 0) return new Map();
  const { rows } = await db.query<Row>("select user_id, email, name, deleted_at from api.user_directory where user_id = any($1::uuid[])", [userIds]);
  return new Map(rows.map((row) => [row.user_id, toUser(row)]));
}

/** Insert or refresh; a deleted user stays deleted. */
export async function upsertDirectoryUser(db: Queryable, user: { userId: string; email: string; name?: string }): Promise<void> {
  await db.query(
    `insert into api.user_directory (user_id, email, name) values ($1, $2, coalesce($3, ''))
     on conflict (user_id) do update set email = excluded.email,
       name = coalesce($3, api.user_directory.name), updated_at = now()`,
    [user.userId, user.email, user.name ?? null],
  );
}

export async function markDirectoryUserDeleted(db: Queryable, userId: string, email: string): Promise<void> {
  await db.query(
    `insert into api.user_directory (user_id, email, deleted_at) values ($1, $2, now())
     on conflict (user_id) do update set deleted_at = coalesce(api.user_directory.deleted_at, now()), updated_at = now()`,
    [userId, email],
  );
}
