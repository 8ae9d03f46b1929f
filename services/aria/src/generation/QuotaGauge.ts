import type { Queryable } from "@materi/platform";
import { quotaStateOf, type QuotaState } from "../store/usageStore.js";
import { RefreshAheadCache } from "./RefreshAheadCache.js";

interface Reading {
  state: QuotaState;
  /** UTC day the reading belongs to, "YYYY-MM-DD". */
  day: string;
  /** Tokens this replica finished since the reading, not yet in `state.used`. */
  sinceRead: number;
}

const MAX_WORKSPACES = 10_000;

/**
 * Each workspace's tokens today against its limit, read from aria.daily_usage and trusted for
 * `ttlMs`, kept current in between with the tokens this replica finished. A reading past half its
 * life is refreshed in the background by the request that uses it (refresh-ahead), so a workspace
 * in steady use never waits for the database (bench/aria.ts: a blocking re-read every second put
 * one request in eight a round trip behind), while no request trusts a reading older than `ttlMs`.
 * Like any quota checked before the answer's size is known, it is soft: a generation that crosses
 * the limit completes, and replicas learn of each other's usage within `ttlMs`.
 */
export class QuotaGauge {
  private readonly readings: RefreshAheadCache<Reading>;

  constructor(
    private readonly db: Queryable,
    private readonly defaultLimit: number,
    ttlMs: number,
  ) {
    this.readings = new RefreshAheadCache(ttlMs, MAX_WORKSPACES);
  }

  async stateOf(workspaceId: string): Promise<QuotaState> {
    const day = utcDay();
    const reading = await this.readings.get(workspaceId, () => this.read(workspaceId, day), { usable: (known) => known.day === day });
    return { used: reading.state.used + reading.sinceRead, limit: reading.state.limit };
  }

  /** Adds tokens this replica has just recorded for the workspace. */
  spent(workspaceId: string, tokens: number): void {
    const known = this.readings.peek(workspaceId);
    if (known) known.sinceRead += tokens;
  }

  private async read(workspaceId: string, day: string): Promise<Reading> {
    return { state: await quotaStateOf(this.db, workspaceId, this.defaultLimit), day, sinceRead: 0 };
  }
}

function utcDay(): string {
  return new Date().toISOString().slice(0, 10);
}
