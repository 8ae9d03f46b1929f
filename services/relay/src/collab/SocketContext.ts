import type { Connection } from "@hocuspocus/server";
import type WebSocket from "ws";
import type { Grant } from "../permissions/PermissionSource.js";
import type { RateLimiter } from "../guards/RateLimiter.js";

/**
 * The hocuspocus context of one document connection: what the socket brought (set on upgrade)
 * plus what authentication and the permission check added.
 */
export interface SocketContext {
  socket: WebSocket;
  limiter: RateLimiter;
  /**
   * The socket's established document connections by frame address. One Map per socket, shared by
   * every document's copy of the context (hocuspocus copies it shallowly), so a frame can find its
   * connection on arrival, before hocuspocus queues it.
   */
  connections: Map<string, Connection<SocketContext>>;
  /** W3C trace context of the upgrade request (header or `traceparent` query parameter). */
  traceparent?: string;
  /** Set by the auth extension. */
  userId?: string;
  /** Set by the permission extension; updated when a permission event changes it. */
  grant?: Grant;
  /** One per document connection: the CollaborationEvent's session_id. */
  sessionId?: string;
}
