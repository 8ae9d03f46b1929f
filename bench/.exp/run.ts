import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
import { spawnNode } from "../lib/childProcess.js";
import { startJwks } from "../lib/jwksServer.js";
import { runLoad } from "../lib/load.js";
const ROOT = new URL("../../", import.meta.url).pathname;
const keys = await startJwks({ issuer: "materi", audience: "materi" });
const upstream = await spawnNode({ label: "up", args: ["--import", "tsx", `${ROOT}bench/lib/benchUpstream.ts`], env: { PATH: process.env.PATH }, ready: /"url"/ });
const upUrl = JSON.parse(upstream.readyLine).url;
const variants = JSON.parse(process.argv[2] ?? "[{}]");
for (const v of variants) {
  const gw = await spawnNode({ label: "gw", args: [...(process.env.PROF ? ["--cpu-prof", `--cpu-prof-dir=${ROOT}bench/.profiles`] : []), `${ROOT}bench/.exp/${process.env.SCRIPT ?? "variant.mjs"}`], env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", API_URL: upUrl, JWKS_URL: keys.jwksUrl, REDIS_URL: "redis://127.0.0.1:6379", RATE_LIMIT_REQUESTS: "1000000000", RATE_LIMIT_PREFIX: `exp:${Date.now()}`, ...v }, ready: /listening on/ });
  const url = gw.readyLine.replace(/^.*listening on /, "").trim() + "/api/v1/documents/bench";
  const headers = { authorization: `Bearer ${keys.token}` };
  await runLoad({ scenario: "w", target: "gateway", url, headers, connections: 50, durationS: 2 });
  const cpu = () => { const f = require("node:fs").readFileSync(`/proc/${gw.process.pid}/stat`, "utf8").split(") ")[1].split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
  const c0 = cpu();
  const max = await runLoad({ scenario: "max", target: "gateway", url, headers, connections: 50, durationS: 5 });
  const cpuPerK = ((cpu() - c0) / max.requests * 1000).toFixed(0);
  const lat = await runLoad({ scenario: "lat", target: "gateway", url, headers, connections: 20, durationS: 5, overallRate: 2000 });
  console.log(JSON.stringify(v), "cpu_ms/1k", cpuPerK, "max", max.throughput_req_s, "p50/p99@2k", lat.p50_ms, lat.p99_ms);
  await gw.stop();
}
await upstream.stop(); await keys.close();
