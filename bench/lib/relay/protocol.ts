/**
 * The messages between bench/relay.ts and its client processes (bench/lib/relay/clientProcess.ts),
 * over Node IPC with `serialization: "advanced"` so the sample arrays travel as Float64Arrays.
 */

/** Which client speaks to the server: @hocuspocus/provider, or the y-websocket protocol over `ws`. */
export type ClientKind = "hocuspocus" | "y-websocket";

/** One simulated editor: the document it opens and, for the Materi relay, its access token. */
export interface ClientSpec {
  document: string;
  token: string | null;
}

/** Parent -> child. */
export type ParentMessage =
  | { kind: "connect"; client: ClientKind; url: string; clients: ClientSpec[] }
  /** Type from `startAt` (epoch ms) until `endAt`, one keystroke per `intervalMs` per client; report `drainMs` after. */
  | { kind: "type"; startAt: number; endAt: number; intervalMs: number; drainMs: number }
  | { kind: "close" };

/** Child -> parent. */
export type ChildMessage =
  | { kind: "connected"; clients: number }
  | { kind: "typed"; report: TypingReport }
  | { kind: "closed" }
  | { kind: "failed"; error: string };

/**
 * What one client process saw. Keys name one keystroke: its Yjs (clientID, clock), see keystrokeKey.
 * Times are epoch ms with sub-ms precision (performance.timeOrigin + performance.now()).
 */
export interface TypingReport {
  /** (key, time sent) pairs of every keystroke typed. */
  sends: Float64Array;
  /** (key, time it became visible) pairs, one per keystroke and receiving client. */
  arrivals: Float64Array;
  /** (time sent, ms until acknowledged) pairs; empty for y-websocket, which has no acknowledgement. */
  acks: Float64Array;
  /** Every update message the clients sent since they connected (paragraph creation included). */
  updatesSent: number;
  /** Updates the server had not acknowledged when the report was made. */
  unacknowledged: number;
  /** Connections that closed or were refused while the bench ran. */
  disconnects: number;
}
