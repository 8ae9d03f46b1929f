import { connect as tcpConnect, type Socket } from "node:net";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import { acceptCorrelationId, platformProblem, type Logger } from "@materi/platform";
import { pathOf } from "../auth/publicRoutes.js";
import { gatewayProblem } from "../errors.js";
import type { ClientIpResolver } from "../network/clientIp.js";
import type { RateLimiter } from "../rateLimit/createRateLimiter.js";
import { writeProblem } from "../edge/rawProblem.js";
import { tunnelRequestHead } from "./rawHttp.js";

export interface CollabTunnelOptions {
  /** The relay's base URL (http: or https:). */
  relayUrl: string;
  resolveClientIp: ClientIpResolver;
  /** Each upgrade counts as one request of the client's address. */
  rateLimit: RateLimiter;
  logger: Logger;
  /** How long connecting to the relay may take, in ms. Default 5000. */
  connectTimeoutMs?: number;
}

/** Handle to the open tunnels, for shutdown. */
export interface CollabTunnel {
  /** Refuses new upgrades and cuts open tunnels, so clients reconnect to another replica. */
  close(): void;
  /** Tunnels currently open. */
  readonly open: number;
}

/**
 * WebSocket upgrades on /collab and /collab/* are passed to the relay as raw TCP: the request
 * head is replayed with forwarding fields added, then bytes are piped both ways. The gateway
 * never parses WebSocket frames, so the relay's protocol (Yjs over hocuspocus) is untouched.
 */
export function installCollabTunnel(server: Server, options: CollabTunnelOptions): CollabTunnel {
  const relay = new URL(options.relayUrl);
  const sockets = new Set<Duplex>();
  let closing = false;
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? "/";
    const requestId = acceptCorrelationId(req.headers["x-request-id"] ?? req.headers["x-correlation-id"]);
    const path = pathOf(url);
    if (path !== "/collab" && !path.startsWith("/collab/")) {
      return writeProblem(socket, platformProblem("PLATFORM_ERR_NOT_FOUND", `No WebSocket endpoint at ${path}.`), { url, requestId });
    }
    if (closing) {
      return writeProblem(socket, platformProblem("PLATFORM_ERR_NOT_READY", "This gateway is shutting down; reconnect."), { url, requestId });
    }
    socket.on("error", () => socket.destroy());
    const clientIp = options.resolveClientIp((socket as Socket).remoteAddress, req.headers);
    void Promise.resolve(options.rateLimit.consume(`ip:${clientIp}`)).then((decision) => {
      if (socket.destroyed) return;
      if (!decision.allowed) {
        const problem = platformProblem("PLATFORM_ERR_RATE_LIMITED", "Too many connection attempts; retry later.", {
          headers: { "Retry-After": String(decision.resetS) },
        });
        return writeProblem(socket, problem, { url, requestId });
      }
      const proto = (socket as { encrypted?: boolean }).encrypted ? "https" : "http";
      const requestHead = tunnelRequestHead(req, { upstreamHost: relay.host, clientIp, requestId, proto });
      openTunnel(socket, requestHead, head, { url, requestId });
    });
  });

  function openTunnel(client: Duplex, requestHead: string, head: Buffer, request: { url: string; requestId: string }): void {
    const upstream = connectRelay(relay);
    let connected = false;
    upstream.setTimeout(options.connectTimeoutMs ?? 5_000, () => upstream.destroy(new Error("relay connect timeout")));
    upstream.once(relay.protocol === "https:" ? "secureConnect" : "connect", () => {
      connected = true;
      upstream.setTimeout(0);
      upstream.setNoDelay(true);
      upstream.write(requestHead);
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    upstream.on("error", (err) => {
      if (connected) return client.destroy();
      options.logger.warn({ err, relay: relay.origin }, "relay unreachable for a /collab upgrade");
      writeProblem(client, gatewayProblem("GW_ERR_RELAY_UNAVAILABLE", "The collaboration service is unavailable; retry shortly."), request);
    });
    // Either side going away ends the other: a half-open tunnel would hold the relay session.
    // Before the relay answered, the client is ended by writeProblem instead (its 502 must flush).
    upstream.on("close", () => {
      if (connected) client.destroy();
    });
    client.on("close", () => {
      sockets.delete(client);
      upstream.destroy();
    });
    sockets.add(client);
  }

  return {
    close() {
      closing = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    get open() {
      return sockets.size;
    },
  };
}

function connectRelay(relay: URL): Socket {
  // URL keeps the brackets of an IPv6 literal ("[::1]"); sockets want the bare address.
  const host = relay.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(relay.port || (relay.protocol === "https:" ? 443 : 80));
  if (relay.protocol === "https:") return tlsConnect({ host, port, servername: host, ALPNProtocols: ["http/1.1"] });
  return tcpConnect({ host, port });
}
