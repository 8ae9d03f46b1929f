import { spawnNode } from "../lib/childProcess.js";
import { startJwks } from "../lib/jwksServer.js";
import { runLoad } from "../lib/load.js";
const ROOT = new URL("../../", import.meta.url).pathname;
const keys = await startJwks({ issuer: "materi", audience: "materi" });
const upstream = await spawnNode({ label: "up", args: ["--import", "tsx", `${ROOT}bench/lib/benchUpstream.ts`], env: { PATH: process.env.PATH }, ready: /"url"/ });
const upUrl = JSON.parse(upstream.readyLine).url;
const gw = await spawnNode({ timeoutMs: 20000, label: "gw", args: [...(process.env.GWFLAGS ? process.env.GWFLAGS.split(" ") : []), `${ROOT}${process.env.GWMAIN ?? "services/gateway/dist/main.js"}`], env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", API_URL: upUrl, JWKS_URL: keys.jwksUrl, REDIS_URL: "redis://127.0.0.1:6379", RATE_LIMIT_REQUESTS: "1000000000", RATE_LIMIT_PREFIX: `exp:${Date.now()}` }, ready: /listening on/ });
import("node:fs").then((fs) => { const out = fs.createWriteStream("/tmp/gw-gc.log"); gw.process.stdout!.pipe(out); });
const gwUrl = gw.readyLine.replace(/^.*listening on /, "").trim() + "/api/v1/documents/bench";
const headers = { authorization: `Bearer ${keys.token}` };
await runLoad({ scenario: "w", target: "gateway", url: gwUrl, headers, connections: 50, durationS: 3 });
for (const c of (process.env.CONNS ?? "2,5,10,20").split(",").map(Number)) {
  const d = await runLoad({ scenario: "lat", target: "direct", url: upUrl + "/api/v1/documents/bench", headers, connections: c, durationS: 5, overallRate: 2000 });
  const g = await runLoad({ scenario: "lat", target: "gateway", url: gwUrl, headers, connections: c, durationS: 5, overallRate: 2000 });
  console.log("c", c, "direct p50/p99", d.p50_ms, d.p99_ms, "gw p50/p99", g.p50_ms, g.p99_ms, "added p99", (g.p99_ms - d.p99_ms).toFixed(3), "rps", d.throughput_req_s, g.throughput_req_s);
}
await gw.stop(); await upstream.stop(); await keys.close();
