import { randomFillSync } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { context, propagation } from "@opentelemetry/api";
import { currentContext } from "@materi/platform";
import type { FastifyRequest } from "fastify";
import { normalizeAddress } from "../network/cidr.js";

type Headers = IncomingHttpHeaders & Record<string, string | string[] | number | undefined>;

/**
 * Hop-by-hop fields (RFC 9110 section 7.6.1) describe one connection, never the next one.
 * reply-from already drops `connection` and the fields it names.
 */
const HOP_BY_HOP = ["keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate"];

// Whatever a client wrote about its own address is replaced: the gateway is the trust boundary,
// so a service behind it sees exactly the one address the gateway vouches for (see network/clientIp.ts).
const CLIENT_CLAIMS = ["forwarded", "x-real-ip", "cf-connecting-ip"];

const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Request headers as sent upstream: hop-by-hop fields out, forwarding, ids and trace context in. */
export function forwardRequestHeaders(request: FastifyRequest, headers: Headers): Headers {
  removeAll(headers, HOP_BY_HOP);
  removeAll(headers, CLIENT_CLAIMS);
  // Fastify ignores a GET/HEAD body, so a declared length would announce bytes that never come.
  if (request.method === "GET" || request.method === "HEAD") delete headers["content-length"];
  // A client address other than the socket peer means a trusted proxy vouched for it; its scheme then too.
  const peerVouched = request.clientIp !== normalizeAddress(request.socket.remoteAddress ?? "");
  const claimedProto = headers["x-forwarded-proto"];
  headers["x-forwarded-proto"] = peerVouched && (claimedProto === "https" || claimedProto === "http") ? claimedProto : request.protocol;
  headers["x-forwarded-for"] = request.clientIp;
  if (request.headers.host !== undefined) headers["x-forwarded-host"] = request.headers.host;
  headers["x-request-id"] = request.id;
  headers["x-correlation-id"] = currentContext()?.correlationId ?? request.id;
  injectTraceContext(headers);
  return headers;
}

/**
 * `traceparent` of the gateway's active span when tracing is on; else the caller's, when valid;
 * else a new trace started here, so the services behind still share one trace id per request.
 */
function injectTraceContext(headers: Headers): void {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (carrier.traceparent !== undefined) {
    headers.traceparent = carrier.traceparent;
    if (carrier.tracestate !== undefined) headers.tracestate = carrier.tracestate;
    return;
  }
  if (isTraceparent(headers.traceparent)) return;
  delete headers.tracestate;
  headers.traceparent = newTraceparent();
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
  return `00-${randomHex(16)}-${randomHex(8)}-01`;
}

/** Response headers as sent to the client: the upstream connection's hop-by-hop fields dropped. */
export function forwardResponseHeaders(headers: Headers): Headers {
  removeAll(headers, HOP_BY_HOP);
  if (headers.connection !== undefined) delete headers.connection;
  return headers;
}

// `delete` turns an object into a slow dictionary; most requests carry none of these, so check first.
function removeAll(headers: Headers, names: readonly string[]): void {
  for (const name of names) if (headers[name] !== undefined) delete headers[name];
}
