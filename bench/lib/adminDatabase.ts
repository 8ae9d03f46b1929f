import pg from "pg";

/** Superuser URL of the benchmark's PostgreSQL; DATABASE_ADMIN_URL overrides the local default. */
export const ADMIN_URL = process.env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Runs one statement as the admin (create or drop the benchmark's database). */
export async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** URL of database `dbName` on the admin's server, for a service's DATABASE_URL. */
export function databaseUrl(dbName: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  return url.toString();
}
