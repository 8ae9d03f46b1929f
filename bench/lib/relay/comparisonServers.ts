import { createServer } from "node:net";
import { spawnNode } from "../gatewayProcesses.js";
import { ROOT, type StartedService } from "../services.js";
import { serverNodeFlags } from "./serverProbes.js";

/** Bare @hocuspocus/server (bareHocuspocusServer.mjs) in its own process; `url` is its ws:// origin. */
export async function startBareHocuspocus(): Promise<StartedService> {
  const child = await spawnNode({
    label: "hocuspocus",
    args: [...serverNodeFlags("hocuspocus"), `${ROOT}bench/lib/relay/bareHocuspocusServer.mjs`],
    env: { PATH: process.env.PATH },
    ready: /"url"/,
  });
  return { child, url: (JSON.parse(child.readyLine) as { url: string }).url };
}

/**
 * The y-websocket server exactly as @y/websocket-server ships it (its src/server.js, with the ws
 * it bundles; no persistence since YPERSISTENCE is unset) in its own process. It prints the port
 * it was given, so the port is chosen here.
 */
export async function startYWebsocketServer(): Promise<StartedService> {
  const port = await freePort();
  const child = await spawnNode({
    label: "y-websocket",
    args: [...serverNodeFlags("y-websocket"), `${ROOT}node_modules/@y/websocket-server/src/server.js`],
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(port) },
    ready: /running at/,
  });
  return { child, url: `ws://127.0.0.1:${port}` };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
