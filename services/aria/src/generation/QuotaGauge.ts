import type { Queryable } from "@materi/platform";
import { quotaStateOf, type QuotaState } from "../store/usageStore.js";

interface Reading {
  state: QuotaState;
  /** UTC day the reading belongs to, "YYYY-MM-DD". */
  day: string;
  /** performance.now() ms after which the reading is no longer trusted: the database is asked first. */
  freshUntil: number;
  /** performance.now() ms after which a request that uses the reading also re-reads it in the background. */
  refreshFrom: number;
  /** A background re-read is under way. */
  refreshing: boolean;
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
  private readonly readings = new Map<string, Reading>();

  constructor(
    private readonly db: Queryable,
    private readonly defaultLimit: number,
    private readonly ttlMs: number,
  ) {}

  async stateOf(workspaceId: string): Promise<QuotaState> {
    const day = utcDay();
    const known = this.readings.get(workspaceId);
    const now = performance.now();
    if (known && known.day === day && known.freshUntil > now) {
      if (known.refreshFrom <= now && !known.refreshing) this.refreshInBackground(workspaceId, known);
      return { used: known.state.used + known.sinceRead, limit: known.state.limit };
    }
    return (await this.read(workspaceId, day)).state;
  }

  /** Adds tokens this replica has just recorded for the workspace. */
  spent(workspaceId: string, tokens: number): void {
    const known = this.readings.get(workspaceId);
    if (known) known.sinceRead += tokens;
  }

  private async read(workspaceId: string, day: string): Promise<Reading> {
    const state = await quotaStateOf(this.db, workspaceId, this.defaultLimit);
    const now = performance.now();
    const reading: Reading = { state, day, freshUntil: now + this.ttlMs, refreshFrom: now + this.ttlMs / 2, refreshing: false, sinceRead: 0 };
    this.readings.delete(workspaceId);
    if (this.readings.size >= MAX_WORKSPACES) this.readings.delete(this.readings.keys().next().value!);
    this.readings.set(workspaceId, reading);
    return reading;
  }

  private refreshInBackground(workspaceId: string, known: Reading): void {
    known.refreshing = true;
    this.read(workspaceId, known.day).catch(() => {
      // The reading stays until it expires; the request after that reads, and fails, in the open.
      known.refreshing = false;
    });
  }
}

function utcDay(): string {
  return new Date().toISOString().slice(0, 10);
}
