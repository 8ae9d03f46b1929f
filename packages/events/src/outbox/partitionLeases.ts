import type { Database } from "@materi/platform";
import type { Notification, PoolClient } from "pg";
import { outboxChannel } from "../store/eventTablesMigration.js";
import { lockKey, lockSpace, MEMBER_OBJID, memberKey } from "./partitions.js";

/** The NOTIFY payload a replica sends after releasing partitions or joining, so others rebalance now. */
export const REBALANCE = "rebalance";

/**
 * The session that makes a dispatcher replica the only publisher of its partitions (real
 * PostgreSQL only): it holds one session advisory lock per partition served, a shared "member"
 * lock whose holders count the live replicas, and the LISTEN on the outbox channel. Locks and
 * LISTEN are session state, so this is one dedicated pooled connection for the dispatcher's
 * life; if it breaks, the server has released every lock, and `lost` tells the dispatcher to
 * stop publishing and start over.
 */
export class PartitionLeases {
  private owned: number[] = [];
  private broken = false;
  private released = false;

  private constructor(
    private readonly client: PoolClient,
    private readonly schema: string,
    private readonly partitions: number,
  ) {}

  /** Connects, LISTENs and joins as a member; `onNotify` hears each notification's payload. */
  static async open(db: Database, schema: string, partitions: number, onNotify: (payload: string) => void): Promise<PartitionLeases> {
    const client = await db.pool.connect();
    const leases = new PartitionLeases(client, schema, partitions);
    const lose = (): void => void (leases.broken = true);
    client.on("error", lose);
    client.on("end", lose);
    client.on("notification", (msg: Notification) => msg.channel === outboxChannel(schema) && onNotify(msg.payload ?? ""));
    try {
      await client.query(`listen "${outboxChannel(schema)}"`);
      await client.query("select pg_advisory_lock_shared($1::bigint)", [memberKey(schema)]);
      // Tell the replicas already running that there is one more to share with.
      await client.query("select pg_notify($1, $2)", [outboxChannel(schema), REBALANCE]);
    } catch (err) {
      leases.close();
      throw err;
    }
    return leases;
  }

  /** True once the session broke: its locks are gone, another replica may hold them now. */
  get lost(): boolean {
    return this.broken;
  }

  /** The partitions this replica serves, ascending. */
  get served(): readonly number[] {
    return this.owned;
  }

  /**
   * Takes or gives partitions until this replica holds its fair share, ceil(partitions /
   * replicas). Called between rounds, never during one, so a partition is handed over only after
   * its last batch was appended and deleted. Releasing notifies the others to take it at once.
   */
  async rebalance(): Promise<void> {
    const share = Math.ceil(this.partitions / Math.max(await this.members(), 1));
    if (this.owned.length > share) {
      const released = this.owned.slice(share);
      await this.client.query("select pg_advisory_unlock(k) from unnest($1::bigint[]) as k", [released.map((p) => lockKey(this.schema, p))]);
      this.owned = this.owned.slice(0, share);
      await this.client.query("select pg_notify($1, $2)", [outboxChannel(this.schema), REBALANCE]);
    } else if (this.owned.length < share) {
      await this.acquire(share - this.owned.length);
    }
  }

  /** Destroys the session: the server releases its locks and LISTEN. Idempotent. */
  close(): void {
    if (this.released) return;
    this.released = true;
    this.broken = true;
    this.owned = [];
    // Destroyed rather than returned to the pool: its locks and LISTEN must not outlive us.
    this.client.release(true);
  }

  private async members(): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>(
      `select count(*)::int as n from pg_locks
        where locktype = 'advisory' and granted and objsubid = 1
          and database = (select oid from pg_database where datname = current_database())
          and classid = $1::bigint::oid and objid = $2::bigint::oid`,
      [lockSpace(this.schema), MEMBER_OBJID],
    );
    return rows[0]?.n ?? 1;
  }

  /** Tries every partition not held here (starting at a random one, so replicas spread), keeps `wanted`. */
  private async acquire(wanted: number): Promise<void> {
    const start = Math.floor(Math.random() * this.partitions);
    const candidates = Array.from({ length: this.partitions }, (_, i) => (start + i) % this.partitions).filter((p) => !this.owned.includes(p));
    const { rows } = await this.client.query<{ n: string; ok: boolean }>(
      "select n, pg_try_advisory_lock(k) as ok from unnest($1::bigint[]) with ordinality as c(k, n) order by n",
      [candidates.map((p) => lockKey(this.schema, p))],
    );
    const won = rows.filter((r) => r.ok).map((r) => candidates[Number(r.n) - 1]!);
    const extra = won.slice(wanted);
    if (extra.length > 0) {
      await this.client.query("select pg_advisory_unlock(k) from unnest($1::bigint[]) as k", [extra.map((p) => lockKey(this.schema, p))]);
    }
    this.owned = [...this.owned, ...won.slice(0, wanted)].sort((a, b) => a - b);
  }
}
