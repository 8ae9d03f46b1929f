import type { IncomingMessage } from "node:http";
import { isTraceparent, newTraceparent } from "../proxy/forwardHeaders.js";

/** What the gateway adds to a tunnelled upgrade request. */
export interface TunnelHead {
  /** Host (and port) of the relay, for the Host field. */
  upstreamHost: string;
  clientIp: string;
  requestId: string;
  /** "http" or "https" as the client spoke to the gateway. */
  proto: string;
}

// Replaced by the gateway's own values (the client's claims are not believed; see network/clientIp.ts).
const REPLACED = new Set([
  "host",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
  "cf-connecting-ip",
  "x-request-id",
  "x-correlation-id",
  "traceparent",
]);

/**
 * The upgrade request as the relay receives it: the client's request line and fields (Connection,
 * Upgrade and Sec-WebSocket-* must reach the relay untouched for the handshake), with forwarding,
 * request id and trace context set by the gateway. Node already rejected CR/LF in the fields.
 */
export function tunnelRequestHead(req: IncomingMessage, head: TunnelHead): string {
  const lines = [`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1`, `Host: ${head.upstreamHost}`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? "";
    if (!REPLACED.has(name.toLowerCase())) lines.push(`${name}: ${raw[i + 1] ?? ""}`);
  }
  lines.push(`X-Forwarded-For: ${head.clientIp}`, `X-Forwarded-Proto: ${head.proto}`, `X-Request-Id: ${head.requestId}`);
  lines.push(`X-Correlation-Id: ${head.requestId}`);
  if (req.headers.host !== undefined) lines.push(`X-Forwarded-Host: ${req.headers.host}`);
  const traceparent = req.headers.traceparent;
  lines.push(`traceparent: ${isTraceparent(traceparent) ? traceparent : newTraceparent()}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}
