import type { Redis } from "ioredis";

/**
 * Connections reserved for blocking reads (XREADGROUP BLOCK). A blocked command holds its
 * connection until it returns, so on the shared connection it would stall every publish and ack
 * queued behind it; each concurrent blocking read gets its own connection instead, reused after.
 */
export class BlockingConnections {
  private readonly idle: Redis[] = [];
  private readonly all = new Set<Redis>();
  private readonly clientIds = new WeakMap<Redis, string>();
  private closed = false;

  constructor(
    private readonly main: Redis,
    private readonly connectionName: string | undefined,
  ) {}

  /** Runs `fn` on a reserved connection; aborting `signal` unblocks the command it is waiting in. */
  async run<T>(signal: AbortSignal | undefined, fn: (conn: Redis) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error("Redis event transport is closed");
    const conn = this.idle.pop() ?? this.open();
    const onAbort = (): void => void this.unblock(conn);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await fn(conn);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (!this.closed && this.all.has(conn)) this.idle.push(conn);
    }
  }

  close(): void {
    this.closed = true;
    for (const conn of this.all) conn.disconnect();
    this.all.clear();
    this.idle.length = 0;
  }

  private open(): Redis {
    const conn = this.main.duplicate({
      connectionName: this.connectionName ? `${this.connectionName}:blocking` : undefined,
    });
    // Errors surface on the command that was running; the shared connection's readiness check reports outages.
    conn.on("error", () => undefined);
    // The id changes with every reconnect; CLIENT UNBLOCK needs the current one.
    conn.on("ready", () => {
      conn.client("ID").then(
        (id) => this.clientIds.set(conn, String(id)),
        () => this.clientIds.delete(conn),
      );
    });
    this.all.add(conn);
    return conn;
  }

  /**
   * Ends a blocked XREADGROUP early. CLIENT UNBLOCK makes it answer as on timeout, so no entry
   * is delivered and then dropped; when that is not possible (id unknown, nothing unblocked but
   * the read still running) the connection is dropped instead, and anything Redis delivered on
   * it stays pending for another consumer to claim.
   */
  private async unblock(conn: Redis): Promise<void> {
    const id = this.clientIds.get(conn);
    const unblocked = id ? await this.main.call("CLIENT", "UNBLOCK", id).catch(() => 0) : 0;
    if (Number(unblocked) === 1) return;
    this.all.delete(conn);
    const idleAt = this.idle.indexOf(conn);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    conn.disconnect();
  }
}
