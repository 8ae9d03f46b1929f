/**
 * A process of simulated editors for bench/relay.ts (forked with IPC, see clientFleet.ts): connects
 * its share of the clients, types on the parent's schedule, and reports what it timed.
 */
import type { BenchClient } from "./benchClient.js";
import { connectHocuspocusClient } from "./hocuspocusClient.js";
import { KeystrokeLog, now } from "./keystrokeLog.js";
import type { ChildMessage, ParentMessage } from "./protocol.js";
import { connectYWebsocketClient } from "./yWebsocketClient.js";

const log = new KeystrokeLog();
let clients: BenchClient[] = [];

function reply(message: ChildMessage): void {
  process.send!(message);
}

/** Each client types every `intervalMs` from its own random phase, on absolute times so timers do not drift. */
function typeUntil(startAt: number, endAt: number, intervalMs: number): Promise<void> {
  return new Promise((resolve) => {
    let running = clients.length;
    for (const client of clients) {
      let due = startAt + Math.random() * intervalMs;
      const next = () => {
        if (due >= endAt) {
          if (--running === 0) resolve();
          return;
        }
        setTimeout(() => {
          client.type();
          due += intervalMs;
          next();
        }, Math.max(0, due - now()));
      };
      next();
    }
    if (clients.length === 0) resolve();
  });
}

async function handle(message: ParentMessage): Promise<void> {
  switch (message.kind) {
    case "connect": {
      const connect = message.client === "hocuspocus" ? connectHocuspocusClient : connectYWebsocketClient;
      clients = message.clients.map((spec) => connect(message.url, spec, log));
      await Promise.all(clients.map((client) => client.ready));
      reply({ kind: "connected", clients: clients.length });
      return;
    }
    case "type": {
      await typeUntil(message.startAt, message.endAt, message.intervalMs);
      await new Promise((resolve) => setTimeout(resolve, message.drainMs));
      const report = {
        sends: log.sends.toArray(),
        arrivals: log.arrivals.toArray(),
        acks: log.acks.toArray(),
        updatesSent: log.updatesSent,
        unacknowledged: clients.reduce((sum, client) => sum + client.unacknowledged(), 0),
        disconnects: log.disconnects,
      };
      reply({ kind: "typed", report });
      return;
    }
    case "close":
      for (const client of clients) client.close();
      reply({ kind: "closed" });
      // Let the close frames leave before exiting.
      setTimeout(() => process.exit(0), 200);
      return;
  }
}

process.on("message", (message: ParentMessage) => {
  handle(message).catch((err: unknown) => {
    reply({ kind: "failed", error: err instanceof Error ? err.message : String(err) });
    setTimeout(() => process.exit(1), 100);
  });
});
process.on("disconnect", () => process.exit(0));
