import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Hocuspocus } from "@hocuspocus/server";
import type { Logger } from "@materi/platform";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { RateLimiter } from "../guards/RateLimiter.js";
import type { RelayMetrics } from "../metrics/relayMetrics.js";
import { CloseCodes } from "./closeCodes.js";
import { readFrame, type ClientFrame } from "./frames.js";
import type { SocketContext } from "./SocketContext.js";

export interface CollabSocketOptions {
  server: Server;
  hocuspocus: Hocuspocus;
  logger: Logger;
  metrics: RelayMetrics;
  maxPayloadBytes: number;
  messagesPerS: number;
  bytesPerS: number;
  /** Hears each frame that passed the guards, before hocuspocus queues it (appends start here). */
  onFrame: (socket: SocketContext, frame: ClientFrame, bytes: Uint8Array) => void;
}

export interface CollabSocket {
  /** Closes every socket (1001 going away) and stops accepting upgrades. */
  close(): Promise<void>;
}

/**
 * WebSocket upgrades on /collab and /collab/* (the gateway tunnels them here) become hocuspocus
 * connections. Before a frame reaches hocuspocus the socket's guards run: `maxPayload` (ws closes
 * with 1009), the per-connection message and byte rates (4429), and the frame header must parse
 * (4400). Each guard closes only that socket.
 */
export function attachCollabSocket(opts: CollabSocketOptions): CollabSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    if (path !== "/collab" && !path.startsWith("/collab/")) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request));
  };
  opts.server.on("upgrade", onUpgrade);

  function accept(ws: WebSocket, request: IncomingMessage): void {
    const limiter = new RateLimiter(opts.messagesPerS, opts.bytesPerS);
    const context: SocketContext = { socket: ws, limiter, connections: new Map(), ...traceparentOf(request) };
    const client = opts.hocuspocus.handleConnection(ws, request as unknown as Request, context);
    ws.on("message", (data: RawData) => {
      const bytes = toBytes(data);
      if (!limiter.take(bytes.byteLength)) return refuse(ws, "rate_limited", CloseCodes.rateLimited);
      let frame: ClientFrame;
      try {
        frame = readFrame(bytes);
      } catch {
        return refuse(ws, "malformed", CloseCodes.malformed);
      }
      opts.onFrame(context, frame, bytes);
      client.handleMessage(bytes);
    });
    ws.on("close", (code: number, reason: Buffer) => client.handleClose({ code, reason: reason.toString() }));
    // ws reports an oversized or broken frame here, then closes the socket (1009/1002) itself.
    ws.on("error", (err: Error) => {
      opts.metrics.closedConnections.inc({ reason: "protocol" });
      opts.logger.debug({ err }, "relay socket error");
    });
  }

  function refuse(ws: WebSocket, reason: string, close: { code: number; reason: string }): void {
    if (ws.readyState !== ws.OPEN) return;
    opts.metrics.closedConnections.inc({ reason });
    ws.close(close.code, close.reason);
  }

  return {
    close: async () => {
      opts.server.off("upgrade", onUpgrade);
      for (const ws of wss.clients) ws.close(1001, "Relay shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      // Peers that do not answer the close handshake are cut.
      for (const ws of wss.clients) ws.terminate();
    },
  };
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** `traceparent` from the upgrade's header, or its query (browsers cannot set WebSocket headers). */
function traceparentOf(request: IncomingMessage): { traceparent?: string } {
  const header = request.headers["traceparent"];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromQuery = new URLSearchParams((request.url ?? "").split("?")[1] ?? "").get("traceparent") ?? undefined;
  const value = fromHeader ?? fromQuery;
  return value && /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(value) ? { traceparent: value } : {};
}
