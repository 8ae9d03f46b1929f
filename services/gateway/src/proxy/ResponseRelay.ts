import type { IncomingMessage, ServerResponse } from "node:http";
import { util, type Dispatcher } from "undici";
import type { ProblemError } from "@materi/platform";
import { logProblem, sendProblem, type EdgeHeaders, type ProblemLogger } from "../edge/rawProblem.js";
import { connectionNamed, isHopByHop } from "./forwardHeaders.js";
import { tooLarge, type LimitStream } from "./passThroughBody.js";
import { upstreamProblem } from "./upstreamErrors.js";

/** One proxied request: who sent it and what the edge adds to its answer. */
export interface RelayTarget {
  /** The client's request URL (the `instance` of a problem answer). */
  url: string;
  requestId: string;
  /** Fields the edge adds to the response (request id, RateLimit-*); the upstream's own win. */
  edgeHeaders: EdgeHeaders;
  /** Where upstream failures are logged. */
  logger: ProblemLogger;
  /** Called once the client's response is closed (finished or cut off). */
  onClose?: (() => void) | undefined;
}

/**
 * Bodies up to this size (by the upstream's Content-Length) are collected and written with the
 * response head in one end() call, which skips Node's per-write cork/uncork round. Larger or
 * unsized bodies (event streams) are written chunk by chunk as they arrive. 64 KiB.
 */
export const BUFFERED_BODY_MAX_BYTES = 64 * 1024;

/** Why an upstream call was cut short from our side. */
class ClientGoneError extends Error {
  constructor() {
    super("the client closed the connection before the response was complete");
    this.name = "ClientGoneError";
  }
}

/**
 * undici dispatch handler that writes the upstream's answer straight onto the client's
 * ServerResponse: status and fields (hop-by-hop ones dropped) in one writeHead, then the body,
 * pausing the upstream while the client is slow. No intermediate stream or header object: on the
 * hot path this is most of what a proxy costs. Failures before the first byte become
 * problem+json (503, 504, 502, or 413 for an oversized chunked body); after it, the client
 * connection is cut, the only honest signal left.
 */
export class ResponseRelay implements Dispatcher.DispatchHandler {
  private abortUpstream: ((err?: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  /** Chunks of a small sized body, written at completion; undefined when streaming. */
  private held: Buffer[] | undefined;
  private settled = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly target: RelayTarget,
    private readonly service: string,
    private readonly limit: LimitStream | undefined,
  ) {
    // One listener per request: it stops the upstream when the client leaves, and reports the end.
    res.once("close", () => {
      if (!this.settled) this.abortUpstream?.(new ClientGoneError());
      target.onClose?.();
    });
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    // The client may have left while the request waited for a pooled connection.
    if (this.res.destroyed) abort(new ClientGoneError());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx (103 Early Hints, 100 Continue) stay between the gateway and the upstream.
    if (statusCode < 200) return true;
    this.resumeUpstream = resume;
    const fields = responseFields(rawHeaders, this.target.edgeHeaders, this.req.complete);
    const length = declaredLength(fields);
    if (length > 0 && length <= BUFFERED_BODY_MAX_BYTES) this.held = [];
    try {
      this.res.writeHead(statusCode, fields);
    } catch (err) {
      // An invalid status or field value: the upstream answered something no client should see.
      this.abortUpstream?.(err as Error);
      return false;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.held !== undefined) {
      this.held.push(chunk);
      return true;
    }
    if (this.res.write(chunk)) return true;
    if (this.resumeUpstream !== undefined) this.res.once("drain", this.resumeUpstream);
    return false;
  }

  onComplete(): void {
    this.settled = true;
    const held = this.held;
    if (held === undefined || held.length === 0) this.res.end();
    else this.res.end(held.length === 1 ? held[0] : Buffer.concat(held));
  }

  onError(err: Error): void {
    this.settled = true;
    if (err instanceof ClientGoneError || this.res.destroyed) return;
    if (this.res.headersSent) {
      this.target.logger.warn({ request_id: this.target.requestId, err, service: this.service }, "upstream response cut off");
      this.res.destroy(err);
      return;
    }
    const problem: ProblemError = this.limit?.exceeded === true ? tooLarge(this.limit.limitBytes) : upstreamProblem(this.service, err);
    logProblem(this.target.logger, problem, this.target.requestId);
    // The request body may be half read: the connection cannot carry another request then.
    const fields = this.req.complete ? this.target.edgeHeaders : { ...this.target.edgeHeaders, connection: "close" };
    sendProblem(this.res, problem, this.target, fields);
  }
}

/**
 * The client's response fields as one flat [name, value, ...] list for writeHead: the upstream's,
 * lower-cased, without hop-by-hop fields (and those its Connection names), then the edge's own
 * unless the upstream set the same name. `connection: close` when the upstream answered before
 * the request body was read (like reply-from: the connection cannot be reused then).
 */
export function responseFields(rawHeaders: Buffer[], edgeHeaders: EdgeHeaders, requestComplete: boolean): string[] {
  const fields: string[] = [];
  let connection: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    // Known names come back as interned lower-case strings, without decoding the bytes.
    const name = util.headerNameToString(rawHeaders[i] as Buffer);
    const value = (rawHeaders[i + 1] as Buffer).toString("latin1");
    if (name === "connection") connection = value;
    else if (!isHopByHop(name)) fields.push(name, value);
  }
  const named = connectionNamed(connection);
  const relayed = named.length === 0 ? fields : dropNamed(fields, named);
  for (const name in edgeHeaders) {
    const value = edgeHeaders[name];
    if (value === undefined || hasField(relayed, name)) continue;
    if (Array.isArray(value)) for (const item of value) relayed.push(name, item);
    else relayed.push(name, String(value));
  }
  if (!requestComplete) relayed.push("connection", "close");
  return relayed;
}

function hasField(fields: readonly string[], name: string): boolean {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return true;
  return false;
}

function dropNamed(fields: readonly string[], named: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (!named.includes(fields[i] as string)) kept.push(fields[i] as string, fields[i + 1] as string);
  }
  return kept;
}

/** The Content-Length among response fields, or -1. */
function declaredLength(fields: readonly string[]): number {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === "content-length") return Number(fields[i + 1]);
  return -1;
}
