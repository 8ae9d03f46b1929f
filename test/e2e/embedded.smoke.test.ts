import { afterEach, describe, expect, it } from "vitest";
import { launchAll, tempDataDir, type Launched } from "./helpers/launch.js";
import { expectSkeletonWorks, firstKid } from "./helpers/skeletonChecks.js";

// `npm start` on a fresh machine: no DATABASE_URL, no REDIS_URL, nothing configured.
describe("embedded defaults (npm start with nothing configured)", () => {
  let running: Launched | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it("serves every service behind the gateway, and data survives a restart", async () => {
    const dataDir = tempDataDir();
    running = await launchAll({ MATERI_DATA_DIR: dataDir });
    await expectSkeletonWorks(running);
    const kid = await firstKid(running.urls.gateway!);
    expect(await running.stop()).toBe(0);

    running = await launchAll({ MATERI_DATA_DIR: dataDir });
    expect(await firstKid(running.urls.gateway!)).toBe(kid);
  });

  it("refuses a second process on the same data directory with a clear message", async () => {
    const dataDir = tempDataDir();
    running = await launchAll({ MATERI_DATA_DIR: dataDir });
    await expect(launchAll({ MATERI_DATA_DIR: dataDir }, 30_000)).rejects.toThrow(new RegExp(dataDir.replace(/[/\\.]/g, "\\$&")));
  });
});
