import { randomFillSync } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { context, propagation, trace } from "@opentelemetry/api";
import { normalizeAddress } from "../network/cidr.js";

/**
 * Hop-by-hop fields (RFC 9110 section 7.6.1) describe one connection, never the next one; the
 * fields a Connection header names are dropped with it. `expect` too: Node has already answered
 * the client's 100-continue, and the upstream request is a new one.
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "proxy-authorization",
  "proxy-authenticate",
  "expect",
]);
/**
 * Request fields never passed on as the client wrote them: the hop-by-hop ones; what a client
 * claims about its own address (the gateway is the trust boundary, so a service behind it sees
 * exactly the one address the gateway vouches for, see network/clientIp.ts); `host` (the HTTP
 * client sets the upstream's); and the fields the gateway sets itself.
 */
const NOT_FORWARDED = new Set([
  ...HOP_BY_HOP,
  "forwarded",
  "x-real-ip",
  "cf-connecting-ip",
  "host",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-request-id",
  "x-correlation-id",
  "traceparent",
  "tracestate",
]);
const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** What the gateway knows about a request it forwards. */
export interface ForwardedRequest {
  /** The client address the edge resolved (network/clientIp.ts). */
  clientIp: string;
  requestId: string;
  /** The request context's correlation id, else the request id. */
  correlationId: string;
}

/**
 * Request fields as sent upstream, as one flat [name, value, ...] list (what the HTTP client
 * takes without copying): the client's fields less the ones above (and Content-Length when no
 * body is sent), then forwarding, ids and trace context. A list, not a copied header object:
 * adding fields to a copy of Node's header object costs a few microseconds per request.
 */
export function forwardRequestHeaders(req: IncomingMessage, forwarded: ForwardedRequest, withBody: boolean): string[] {
  const source = req.headers;
  const named = connectionNamed(source.connection);
  const fields: string[] = [];
  for (const name in source) {
    const value = source[name];
    if (value === undefined || NOT_FORWARDED.has(name) || (named.length > 0 && named.includes(name))) continue;
    if (name === "content-length" && !withBody) continue;
    if (typeof value === "string") fields.push(name, value);
    else for (const item of value) fields.push(name, item);
  }
  // A client address other than the socket peer means a trusted proxy vouched for it; its scheme then too.
  const peerVouched = forwarded.clientIp !== normalizeAddress(req.socket.remoteAddress ?? "");
  const claimedProto = source["x-forwarded-proto"];
  const protocol = (req.socket as { encrypted?: boolean }).encrypted === true ? "https" : "http";
  fields.push("x-forwarded-proto", peerVouched && (claimedProto === "https" || claimedProto === "http") ? claimedProto : protocol);
  fields.push("x-forwarded-for", forwarded.clientIp);
  if (source.host !== undefined) fields.push("x-forwarded-host", source.host);
  fields.push("x-request-id", forwarded.requestId, "x-correlation-id", forwarded.correlationId);
  pushTraceContext(fields, source);
  return fields;
}

/**
 * `traceparent` of the gateway's active span when tracing is on; else the caller's, when valid
 * (with its tracestate); else a new trace started here, so the services behind still share one
 * trace id per request.
 */
function pushTraceContext(fields: string[], source: IncomingHttpHeaders): void {
  const active = context.active();
  // No span on the fast path (spans are Fastify hooks): skip the propagator and its carrier object.
  if (trace.getSpan(active) !== undefined) {
    const carrier: Record<string, string> = {};
    propagation.inject(active, carrier);
    if (carrier.traceparent !== undefined) {
      fields.push("traceparent", carrier.traceparent);
      if (carrier.tracestate !== undefined) fields.push("tracestate", carrier.tracestate);
      return;
    }
  }
  const { traceparent, tracestate } = source;
  if (!isTraceparent(traceparent)) {
    fields.push("traceparent", newTraceparent());
    return;
  }
  fields.push("traceparent", traceparent);
  if (typeof tracestate === "string") fields.push("tracestate", tracestate);
}

/** Whether a header value is a well-formed W3C traceparent with non-zero ids. */
export function isTraceparent(value: unknown): value is string {
  return typeof value === "string" && TRACEPARENT.test(value);
}

// Ids come from a pool refilled 4 KiB at a time: one CSPRNG call per ~170 requests, not one each.
const entropy = Buffer.alloc(4096);
let entropyOffset = entropy.length;

function randomHex(bytes: number): string {
  if (entropyOffset + bytes > entropy.length) {
    randomFillSync(entropy);
    entropyOffset = 0;
  }
  const hex = entropy.toString("hex", entropyOffset, entropyOffset + bytes);
  entropyOffset += bytes;
  return hex;
}

/** A fresh sampled W3C traceparent: version 00, random trace and parent ids. */
export function newTraceparent(): string {
  const ids = randomHex(24);
  return `00-${ids.slice(0, 32)}-${ids.slice(32)}-01`;
}

/**
 * The names a Connection field lists (RFC 9110 section 7.6.1), lower-cased; usually none. A client
 * must not be able to strip fields the gateway adds, so they are removed before those are set.
 */
export function connectionNamed(value: string | undefined): string[] {
  if (value === undefined || value === "keep-alive" || value === "close") return [];
  return value
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
}

/** Whether a response field must not be relayed to the client (hop-by-hop). */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name);
}
