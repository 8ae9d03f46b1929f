// The bare comparison of bench/relay.ts: @hocuspocus/server with its defaults and no extensions (no
// authentication, no persistence: documents live in memory only). Plain JavaScript so no TypeScript
// loader sits in the measured process. Prints {"url": ...} once listening.
import { Server } from "@hocuspocus/server";

const server = new Server({ port: 0, address: "127.0.0.1", quiet: true, stopOnSignals: true });
await server.listen();
process.stdout.write(`${JSON.stringify({ url: server.webSocketURL })}\n`);
