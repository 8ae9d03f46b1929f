/** One document connection, as /internal/sessions lists it. */
export interface Session {
  sessionId: string;
  documentId: string;
  userId: string;
  instanceId: string;
  /** "read-write" or "readonly". */
  scope: string;
  connectedAt: string;
}

/** Where sessions are registered: Redis with a TTL (every instance) or this process only. */
export interface SessionRegistry {
  /** Registers (or re-registers) a session; never rejects (a failure is logged). */
  add(session: Session): Promise<void>;
  remove(sessionId: string): Promise<void>;
  /** Every live session of every instance. */
  list(): Promise<Session[]>;
  close(): Promise<void>;
}
