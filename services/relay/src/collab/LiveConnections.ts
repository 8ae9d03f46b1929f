import type { Connection } from "@hocuspocus/server";
import type { SocketContext } from "./SocketContext.js";

export interface LiveConnection {
  connection: Connection<SocketContext>;
  context: SocketContext;
  documentId: string;
}

/** This instance's open document connections by session id (permission changes look them up). */
export class LiveConnections {
  private readonly bySession = new Map<string, LiveConnection>();

  add(sessionId: string, live: LiveConnection): void {
    this.bySession.set(sessionId, live);
  }

  remove(sessionId: string): void {
    this.bySession.delete(sessionId);
  }

  get size(): number {
    return this.bySession.size;
  }

  /** Connections matching `match` (a user, a document, a workspace). */
  where(match: (live: LiveConnection) => boolean): LiveConnection[] {
    return [...this.bySession.values()].filter(match);
  }
}
