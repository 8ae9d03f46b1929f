import type { FastifyInstance } from "fastify";
import type { SessionRegistry } from "../sessions/SessionRegistry.js";

export interface InternalRouteOptions {
  sessions: SessionRegistry;
  /** Serve GET /internal/debug/heap (tests measuring memory). */
  debug: boolean;
  /** Loaded documents of this instance, for the debug answer. */
  documentsLoaded: () => number;
}

/**
 * GET /internal/sessions (service key, enforced by the platform for /internal/*): every live
 * session of every instance, with counts by document, user and instance.
 */
export async function internalRoutes(app: FastifyInstance, opts: InternalRouteOptions): Promise<void> {
  app.get("/internal/sessions", async () => {
    const sessions = await opts.sessions.list();
    const count = (key: (s: (typeof sessions)[number]) => string): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const s of sessions) counts[key(s)] = (counts[key(s)] ?? 0) + 1;
      return counts;
    };
    return {
      sessions: sessions.map((s) => ({
        session_id: s.sessionId,
        document_id: s.documentId,
        user_id: s.userId,
        instance_id: s.instanceId,
        scope: s.scope,
        connected_at: s.connectedAt,
      })),
      by_document: count((s) => s.documentId),
      by_user: count((s) => s.userId),
      by_instance: count((s) => s.instanceId),
    };
  });
  if (!opts.debug) return;
  app.get("/internal/debug/heap", async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) for (let i = 0; i < 3; i += 1) gc();
    return { heap_used: process.memoryUsage().heapUsed, gc: gc !== undefined, documents_loaded: opts.documentsLoaded() };
  });
}
