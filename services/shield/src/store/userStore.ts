import type { Queryable } from "@materi/platform";

export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Date;
  updated_at: Date;
}

/** Postgres unique_violation: the email is taken. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === "23505";
}

export async function insertUser(tx: Queryable, user: { id: string; email: string; name: string; passwordHash: string }): Promise<UserRow> {
  const { rows } = await tx.query<UserRow>(
    "insert into shield.users (id, email, name, password_hash) values ($1, $2, $3, $4) returning *",
    [user.id, user.email, user.name, user.passwordHash],
  );
  return rows[0]!;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>("select * from shield.users where email = $1", [email]);
  return rows[0];
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>("select * from shield.users where id = $1", [id]);
  return rows[0];
}

/** Sets the given public fields; returns the updated row, or undefined when the user is gone. */
export async function updateUser(tx: Queryable, id: string, fields: { name?: string; email?: string }): Promise<UserRow | undefined> {
  const { rows } = await tx.query<UserRow>(
    `update shield.users set name = coalesce($2, name), email = coalesce($3, email), updated_at = now()
      where id = $1 returning *`,
    [id, fields.name ?? null, fields.email ?? null],
  );
  return rows[0];
}

/** Locks the user's row for a read-modify-write (profile or password change). */
export async function lockUser(tx: Queryable, id: string): Promise<UserRow | undefined> {
  const { rows } = await tx.query<UserRow>("select * from shield.users where id = $1 for update", [id]);
  return rows[0];
}

export async function setPasswordHash(tx: Queryable, id: string, passwordHash: string): Promise<void> {
  await tx.query("update shield.users set password_hash = $2, updated_at = now() where id = $1", [id, passwordHash]);
}

export async function deleteUser(tx: Queryable, id: string): Promise<UserRow | undefined> {
  const { rows } = await tx.query<UserRow>("delete from shield.users where id = $1 returning *", [id]);
  return rows[0];
}
