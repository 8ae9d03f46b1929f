import { createDatabase, runMigrations, startEmbeddedPostgres, type Database } from "@materi/platform";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/helpers/postgres.js";
import { hashSecretToken } from "../tokens/secretTokenHash.js";
import { shieldMigrations } from "./migrations.js";
import { insertFamilyWithToken, rotateRefreshToken } from "./refreshTokenStore.js";
import { insertUser } from "./userStore.js";

const GRACE_S = 10;

/** The rotation statement's semantics, on one database (STYLE.md §8: one contract, each backend). */
function rotationContract(name: string, open: () => Promise<{ db: Database; close(): Promise<void> }>) {
  describe(`refresh rotation in one statement (${name})`, () => {
    let db: Database;
    let close: () => Promise<void>;
    let userId: string;
    beforeAll(async () => {
      ({ db, close } = await open());
      await runMigrations(db, { owner: "shield", migrations: shieldMigrations });
      userId = (await insertUser(db, { id: randomUUID(), email: `${randomUUID()}@example.test`, name: "R", passwordHash: "x" })).id;
    }, 60_000);
    afterAll(async () => close?.());

    async function login(ttlS = 3600): Promise<{ familyId: string; secret: Buffer; token: string }> {
      const family = { familyId: randomUUID(), secret: randomBytes(32), token: randomBytes(32).toString("base64url") };
      await insertFamilyWithToken(db, { id: family.familyId, userId, secret: family.secret, ttlS, tokenHash: hashSecretToken(family.token) });
      return family;
    }
    const familyRevoked = async (familyId: string) =>
      (await db.query<{ revoked: boolean }>("select revoked_at is not null as revoked from shield.refresh_families where id = $1", [familyId])).rows[0]!.revoked;

    it("derives the successor as node's HMAC-SHA256 with the family secret, stores its hash and spends the token", async () => {
      const { familyId, secret, token } = await login();
      const rotation = await rotateRefreshToken(db, token, GRACE_S);
      const expected = createHmac("sha256", secret).update(token).digest("base64url");
      expect(rotation).toEqual({ outcome: "rotated", user_id: userId, family_id: familyId, successor: expected });
      const { rows } = await db.query<{ spent: boolean }>("select spent_at is not null as spent from shield.refresh_tokens where token_hash = $1", [hashSecretToken(token)]);
      expect(rows).toEqual([{ spent: true }]);
      // The successor is live: it rotates in turn.
      expect((await rotateRefreshToken(db, expected, GRACE_S))?.outcome).toBe("rotated");
    });

    it("gives a replay inside the grace window the same successor, and revokes the family after it", async () => {
      const { familyId, token } = await login();
      const first = await rotateRefreshToken(db, token, GRACE_S);
      const again = await rotateRefreshToken(db, token, GRACE_S);
      expect(again).toMatchObject({ outcome: "replayed_in_grace", successor: first!.successor });
      expect(await familyRevoked(familyId)).toBe(false);
      await db.query("update shield.refresh_tokens set spent_at = now() - interval '11 seconds' where token_hash = $1", [hashSecretToken(token)]);
      expect(await rotateRefreshToken(db, token, GRACE_S)).toMatchObject({ outcome: "reused", family_id: familyId, successor: null });
      expect(await familyRevoked(familyId)).toBe(true);
      // The whole family: the successor, never used, is refused too.
      expect((await rotateRefreshToken(db, first!.successor!, GRACE_S))?.outcome).toBe("revoked");
    });

    it("refuses an expired family and an unknown token, changing nothing", async () => {
      const { familyId, token } = await login();
      await db.query("update shield.refresh_families set expires_at = now() - interval '1 second' where id = $1", [familyId]);
      expect(await rotateRefreshToken(db, token, GRACE_S)).toMatchObject({ outcome: "expired", successor: null });
      const { rows } = await db.query<{ n: number }>("select count(*)::int as n from shield.refresh_tokens where family_id = $1", [familyId]);
      expect(rows[0]!.n).toBe(1);
      expect(await rotateRefreshToken(db, randomBytes(32).toString("base64url"), GRACE_S)).toBeUndefined();
    });
  });
}

rotationContract("PostgreSQL", async () => {
  const database = await createTestDatabase("shield_rotation");
  const db = createDatabase({ url: database.url, poolSize: 4 });
  return { db, close: async () => (await db.close(), await database.drop()) };
});

rotationContract("embedded PGlite", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "materi-shield-rotation-"));
  const server = await startEmbeddedPostgres({ dataDir, maxConnections: 2 });
  const db = createDatabase({ url: server.url, embedded: true, poolSize: 2 });
  return {
    db,
    close: async () => {
      await db.close();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
