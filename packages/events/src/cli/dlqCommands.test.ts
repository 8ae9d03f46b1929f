import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterFields } from "../dlq/deadLetterEntry.js";
import { streamName } from "../streams.js";
import { createRedisTransport, type RedisTransport } from "../transports/redis.js";
import { requireTestRedis, uniquePrefix } from "../transports/test-support/testTransports.js";
import { runEventsCli } from "./dlqCommands.js";

const CLI = fileURLToPath(new URL("./events.ts", import.meta.url));

describe("npm run events -- dlq", () => {
  let transport: RedisTransport;
  let url: string;
  let s: { users: string; dlq: string };

  beforeAll(async () => {
    url = await requireTestRedis();
    transport = createRedisTransport({ url, connectionName: "events-cli-test" });
    const prefix = uniquePrefix("cli");
    s = { users: streamName("users", prefix), dlq: streamName("dlq", prefix) };
  });

  afterAll(async () => {
    await transport.deleteStream(s.users);
    await transport.deleteStream(s.dlq);
    await transport.close();
  });

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runEventsCli([...argv, "--dlq", s.dlq], { transport, out: (l) => void out.push(l), err: (l) => void err.push(l) });
    return { code, out, err };
  };

  const seed = (originalId: string, envelope: string) =>
    transport.append(
      s.dlq,
      deadLetterFields({
        stream: s.users,
        originalId,
        group: "relay",
        consumer: "c",
        eventType: "user.updated",
        envelope: Buffer.from(envelope),
        error: "Error: boom",
        attempts: 5,
        failedAt: "2026-01-01T00:00:00.000Z",
      }),
    );

  it("lists, replays one, replays all and purges", async () => {
    const first = await seed("9-1", "one");
    await seed("9-2", "two");
    const listed = await run("dlq", "list");
    expect(listed.code).toBe(0);
    expect(listed.out[0]).toBe(`${first}  ${s.users} 9-1  user.updated  group=relay attempts=5 failed_at=2026-01-01T00:00:00.000Z  error=Error: boom`);
    expect(listed.out.at(-1)).toBe(`2 dead letter(s) in ${s.dlq}`);
    const json = await run("dlq", "list", "--json", "--count", "1");
    expect(JSON.parse(json.out[0]!)).toMatchObject({ id: first, envelope: Buffer.from("one").toString("base64"), attempts: 5 });

    expect((await run("dlq", "replay", first)).out[0]).toMatch(new RegExp(`^replayed ${first} -> ${s.users} \\d+-\\d+$`));
    expect((await run("dlq", "replay", first)).code).toBe(1);
    expect((await run("dlq", "replay", "--all")).out.at(-1)).toBe("replayed 1, skipped 0");
    expect((await transport.range(s.users)).map((e) => e.fields["envelope"]!.toString())).toEqual(["one", "two"]);

    await seed("9-3", "three");
    expect((await run("dlq", "purge")).out).toEqual([`purged 1 dead letters from ${s.dlq}`]);
    expect(await transport.length(s.dlq)).toBe(0);
  });

  it("refuses a wrong command line with the usage and exit code 2", async () => {
    for (const argv of [["dlq"], ["dlq", "replay"], ["dlq", "replay", "1-1", "--all"], ["dlq", "list", "--count", "x"], ["queue", "list"], ["dlq", "list", "--bogus"]]) {
      const { code, err } = await run(...argv);
      expect(code, argv.join(" ")).toBe(2);
      expect(err.join("\n")).toContain("usage: npm run events -- dlq");
    }
  });

  it("needs REDIS_URL, and says so", () => {
    const env = { ...process.env, REDIS_URL: "" };
    const result = spawnSync(process.execPath, ["--import", "tsx", CLI, "dlq", "list"], { env, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("REDIS_URL is not set");
    const listed = spawnSync(process.execPath, ["--import", "tsx", CLI, "dlq", "list", "--dlq", s.dlq], { env: { ...env, REDIS_URL: url }, encoding: "utf8" });
    expect(listed.stderr).toBe("");
    expect(listed.stdout).toContain(`dead letter(s) in ${s.dlq}`);
    expect(listed.status).toBe(0);
  });
});
