import { describe, expect, it } from "vitest";
import { summarizeSql } from "./sqlSummary.js";

describe("summarizeSql", () => {
  it.each([
    ["select * from shield.users where id = $1", "SELECT", "shield.users"],
    ["SELECT u.id FROM users u JOIN api.members m ON m.user_id = u.id", "SELECT", "users"],
    ["insert into api.documents (id, title) values ($1, $2) returning id", "INSERT", "api.documents"],
    ["insert into t(a) values (1)", "INSERT", "t"],
    ["update only aria.usage set tokens = tokens + $1", "UPDATE", "aria.usage"],
    ["delete from docstore.updates where document_id = $1", "DELETE", "docstore.updates"],
    ['select 1 from "Api"."Weird ""Name"""', "SELECT", 'Api.Weird "Name"'],
    ["select * from Shield.Users", "SELECT", "shield.users"],
    ["create table if not exists shield.schema_migrations (version int)", "CREATE", "shield.schema_migrations"],
    ["create unique index concurrently if not exists idx on api.outbox (id)", "CREATE", "api.outbox"],
    ["alter table api.documents add column x int", "ALTER", "api.documents"],
    ["drop table if exists t1", "DROP", "t1"],
    ["truncate table events.registry", "TRUNCATE", "events.registry"],
    ["with recent as (select * from api.documents) update api.stats set n = 1", "UPDATE", "api.stats"],
    ["select extract(epoch from now()) as t, x from api.clock", "SELECT", "api.clock"],
    ["select * from generate_series(1, 3)", "SELECT", undefined],
    ["  -- leading comment\n /* block from x */ select 'from y' as s from real_table", "SELECT", "real_table"],
    ["select pg_advisory_lock($1::bigint)", "SELECT", undefined],
    ["BEGIN", "BEGIN", undefined],
    ["commit", "COMMIT", undefined],
    ["", "UNKNOWN", undefined],
  ])("%j -> %s %s", (sql, operation, table) => {
    expect(summarizeSql(sql)).toEqual(table === undefined ? { operation } : { operation, table });
  });

  it("returns the cached summary for a repeated statement", () => {
    const sql = "select * from api.cached where id = $1";
    expect(summarizeSql(sql)).toBe(summarizeSql(sql));
  });
});
