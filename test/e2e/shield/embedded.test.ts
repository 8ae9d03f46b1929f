import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { launchAll, tempDataDir } from "../helpers/launch.js";
import { postJson, signUpAndLogin, type Grant } from "./stack.js";

// The embedded default (`npm start`, nothing configured): PGlite and the in-process transport.
// Row locks and CTEs behave there too; the concurrency proofs run on the real PostgreSQL.
describe("shield in embedded mode", () => {
  it("signs up, logs in, rotates and mails a reset, behind the gateway", async () => {
    const dataDir = tempDataDir();
    const running = await launchAll({ MATERI_DATA_DIR: dataDir });
    try {
      const gw = running.urls["gateway"]!;
      const { user, grant } = await signUpAndLogin(gw, "embedded");
      const refresh = (token: string) => postJson(`${gw}/api/v1/auth/token`, { grant_type: "refresh_token", refresh_token: token });
      const next = (await (await refresh(grant.refresh_token)).json()) as Grant;
      expect(next.refresh_token).toBeTruthy();
      const me = await fetch(`${gw}/api/v1/users/me`, { headers: { authorization: `Bearer ${next.access_token}` } });
      expect(await me.json()).toMatchObject({ id: user.id });
      expect((await postJson(`${gw}/api/v1/auth/password-reset`, { email: user.email })).status).toBe(202);
      await expect.poll(async () => (await readdir(path.join(dataDir, "mail")).catch(() => [])).length, { timeout: 5_000 }).toBe(1);
    } finally {
      expect(await running.stop()).toBe(0);
    }
  }, 90_000);
});
