import type { Queryable } from "@materi/platform";
import { quotaStateOf, type QuotaState } from "../store/usageStore.js";

interface Reading {
  state: QuotaState;
  /** UTC day the reading belongs to, "YYYY-MM-DD". */
  day: string;
  /** performance.now() ms after which the database is asked again. */
  freshUntil: number;
  /** Tokens this replica finished since the reading, not yet in `state.used`. */
  sinceRead: number;
}

const MAX_WORKSPACES = 10_000;

/**
 * Each workspace's tokens today against its limit, read from aria.daily_usage at most once per
 * `ttlMs` per workspace and kept current in between with the tokens this replica finished, so
 * the check costs no database round trip on a user's next request. Like any quota checked before
 * the answer's size is known, it is soft: a generation that crosses the limit completes, and
 * replicas learn of each other's usage within `ttlMs`.
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
    if (known && known.day === day && known.freshUntil > performance.now()) {
      return { used: known.state.used + known.sinceRead, limit: known.state.limit };
    }
    const state = await quotaStateOf(this.db, workspaceId, this.defaultLimit);
    this.readings.delete(workspaceId);
    if (this.readings.size >= MAX_WORKSPACES) this.readings.delete(this.readings.keys().next().value!);
    this.readings.set(workspaceId, { state, day, freshUntil: performance.now() + this.ttlMs, sinceRead: 0 });
    return state;
  }

  /** Adds tokens this replica has just recorded for the workspace. */
  spent(workspaceId: string, tokens: number): void {
    const known = this.readings.get(workspaceId);
    if (known) known.sinceRead += tokens;
  }
}

function utcDay(): string {
  return new Date().toISOString().slice(0, 10);
}
