import type { Session, SessionRegistry } from "./SessionRegistry.js";

/** Without REDIS_URL one relay runs alone: its own sessions are all there are. */
export function createMemorySessionRegistry(): SessionRegistry {
  const sessions = new Map<string, Session>();
  return {
    add: async (session) => void sessions.set(session.sessionId, session),
    remove: async (sessionId) => void sessions.delete(sessionId),
    list: async () => [...sessions.values()],
    close: async () => sessions.clear(),
  };
}
