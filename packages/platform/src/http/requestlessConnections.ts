import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";

/**
 * Lets shutdown end while clients hold connections that carry no request. Node's server.close()
 * (and closeIdleConnections) waits for a connection that was opened but never sent a request
 * until its headersTimeout (a minute): Node counts it as a request being read. Node's own fetch
 * (undici) opens just such a spare connection when a streamed response is aborted, so a client
 * that cancelled an AI stream kept stop() waiting, and a proxy (the gateway) does the same towards
 * its upstreams. From preClose on, every connection without a request in flight is destroyed,
 * those with one as soon as their response is done. Upgraded (WebSocket) connections are left to
 * the service that took them over.
 */
export function closeRequestlessConnectionsOnClose(app: FastifyInstance): void {
  const requestsOn = trackRequestsPerConnection(app.server);
  let reaper: NodeJS.Timeout | undefined;
  const reap = () => {
    for (const [socket, inFlight] of requestsOn) if (inFlight === 0) socket.destroy();
  };
  app.addHook("preClose", () => {
    reap();
    // A client may still open one while the in-flight responses drain.
    reaper = setInterval(reap, 50);
  });
  app.addHook("onClose", () => clearInterval(reaper));
}

/** Each open connection and how many requests it has in flight (0: idle, or never used). */
function trackRequestsPerConnection(server: Server): Map<Socket, number> {
  const requestsOn = new Map<Socket, number>();
  server.on("connection", (socket: Socket) => {
    requestsOn.set(socket, 0);
    socket.once("close", () => requestsOn.delete(socket));
  });
  // An upgraded socket is no longer HTTP: its owner (the relay, the gateway's tunnel) closes it.
  server.on("upgrade", (req: { socket: Socket }) => requestsOn.delete(req.socket));
  server.on("request", (req, res) => {
    const socket = req.socket;
    requestsOn.set(socket, (requestsOn.get(socket) ?? 0) + 1);
    res.once("close", () => {
      if (requestsOn.has(socket)) requestsOn.set(socket, (requestsOn.get(socket) ?? 1) - 1);
    });
  });
  return requestsOn;
}
