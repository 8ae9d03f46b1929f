import type { Database } from "@materi/platform";
import type { ConsumerLogger } from "../consumer/consumerOptions.js";
import { checkSchemaName } from "../store/eventTablesMigration.js";
import type { EventTransport } from "../transports/EventTransport.js";
import { appendItemOf, countStrayRows, deleteRows, hasMore, selectBatch } from "./outboxStore.js";
import { PartitionLeases, REBALANCE } from "./partitionLeases.js";
import { checkPartitions, OUTBOX_PARTITIONS } from "./partitions.js";
import { sleep, Wakeup } from "./wakeup.js";

export interface OutboxDispatcherOptions {
  /** The owner's database, where enqueueEvent wrote (embedded PGlite: polling, no locks). */
  db: Database;
  /** The owner schema whose outbox to drain, e.g. "api". */
  schema: string;
  /** Where events go: the bus's transport (`bus.transport`). */
  transport: EventTransport;
  /** Partition count; must equal enqueueEvent's. Default OUTBOX_PARTITIONS (16). */
  partitions?: number;
  /**
   * How often to look for rows without being notified, in ms. Default 1000 on PostgreSQL, where
   * the outbox trigger's NOTIFY wakes the dispatcher at commit and polling only covers a lost
   * notification; 100 on embedded PGlite, where polling is the only wake-up.
   */
  pollMs?: number;
  /** Most rows appended per partition per round (one pipeline for all partitions). Default 100. */
  batchSize?: number;
  /** How often partitions are rebalanced between replicas, in ms (a dead replica's are taken over within it). Default 2000. */
  rebalanceMs?: number;
  /** First wait after a failure (Redis or PostgreSQL unreachable), in ms, doubling up to maxRetryDelayMs. Default 100. */
  retryDelayMs?: number;
  /** Longest wait between attempts while failing, in ms. Default 5000. */
  maxRetryDelayMs?: number;
  /** The service's pino logger. */
  logger: ConsumerLogger;
}

export interface OutboxDispatcher {
  /** Finishes the round in flight, releases its partitions, and stops. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when the loop has ended; never rejects. */
  readonly done: Promise<void>;
  /** The partitions this replica serves now (every one on embedded PGlite). */
  partitions(): readonly number[];
  /** Entries this replica appended so far, re-sends after a failed round included. */
  published(): number;
}

type Settings = Required<OutboxDispatcherOptions>;

interface LoopState {
  leases: PartitionLeases | undefined;
  rebalanceAt: number;
  errorsInARow: number;
  published: number;
  strayChecked: boolean;
}

/**
 * Drains `<schema>.outbox` to the event transport (issue 4, §3). Each round reads the oldest rows
 * of every partition this replica serves, appends them in one pipeline in (partition, id) order,
 * and deletes them only after Redis acknowledged every XADD: Redis down means rows wait and are
 * retried with backoff, none lost. A crash between XADD and delete re-sends the same envelope
 * (same event_id) on the next round, which consumers deduplicate. Replicas split the partitions
 * through advisory locks, so one aggregate's events are only ever appended by one replica, in order.
 */
export function startOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const s: Settings = {
    pollMs: options.db.embedded ? 100 : 1_000,
    batchSize: 100,
    rebalanceMs: 2_000,
    retryDelayMs: 100,
    maxRetryDelayMs: 5_000,
    ...definedOnly(options),
    partitions: checkPartitions(options.partitions ?? OUTBOX_PARTITIONS),
    db: options.db,
    transport: options.transport,
    logger: options.logger,
    schema: checkSchemaName(options.schema),
  };
  const state: LoopState = { leases: undefined, rebalanceAt: 0, errorsInARow: 0, published: 0, strayChecked: false };
  const stopping = new AbortController();
  const wake = new Wakeup();
  const done = runLoop(s, state, wake, stopping.signal);
  const everyPartition = Array.from({ length: s.partitions }, (_, p) => p);
  return {
    stop() {
      stopping.abort();
      return done;
    },
    done,
    partitions: () => (s.db.embedded ? everyPartition : (state.leases?.served ?? [])),
    published: () => state.published,
  };
}

async function runLoop(s: Settings, state: LoopState, wake: Wakeup, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const partitions = await servedPartitions(s, state, wake);
      const more = partitions.length > 0 && (await drainRound(s, state, partitions));
      if (state.errorsInARow > 0) s.logger.info({ schema: s.schema }, "outbox dispatcher recovered");
      state.errorsInARow = 0;
      if (!more) await wake.wait(s.pollMs, signal);
    } catch (err) {
      await recover(s, state, err, signal);
    }
  }
  state.leases?.close();
}

/** Embedded: all partitions, no locks (one process owns the data directory). Otherwise the leased ones. */
async function servedPartitions(s: Settings, state: LoopState, wake: Wakeup): Promise<readonly number[]> {
  if (s.db.embedded) return Array.from({ length: s.partitions }, (_, p) => p);
  if (state.leases?.lost) throw new Error("outbox dispatcher lost its lock session");
  if (!state.leases) {
    state.leases = await PartitionLeases.open(s.db, s.schema, s.partitions, (payload) => {
      if (payload === REBALANCE) state.rebalanceAt = 0;
      wake.signal();
    });
    state.rebalanceAt = 0;
  }
  if (Date.now() >= state.rebalanceAt) {
    await state.leases.rebalance();
    state.rebalanceAt = Date.now() + s.rebalanceMs;
  }
  return state.leases.served;
}

/** One round: read, append, delete. True when a partition had a full page (go again at once). */
async function drainRound(s: Settings, state: LoopState, partitions: readonly number[]): Promise<boolean> {
  if (!state.strayChecked) await warnAboutStrayRows(s, state);
  const rows = await selectBatch(s.db, s.schema, partitions, s.batchSize);
  if (rows.length === 0) return false;
  // Narrows the window in which a replica whose session just broke appends rows another one now serves.
  if (state.leases?.lost) throw new Error("outbox dispatcher lost its lock session");
  await s.transport.appendMany(rows.map(appendItemOf));
  state.published += rows.length;
  await deleteRows(s.db, s.schema, rows.map((row) => row.id));
  return hasMore(rows, s.batchSize);
}

async function warnAboutStrayRows(s: Settings, state: LoopState): Promise<void> {
  const stray = await countStrayRows(s.db, s.schema, s.partitions);
  state.strayChecked = true;
  if (stray > 0) {
    s.logger.error({ schema: s.schema, rows: stray, partitions: s.partitions }, "outbox rows in partitions no dispatcher serves: partition counts differ");
  }
}

/** After a failure: drop a broken lock session (its locks are gone), then back off. */
async function recover(s: Settings, state: LoopState, err: unknown, signal: AbortSignal): Promise<void> {
  if (state.leases?.lost) {
    state.leases.close();
    state.leases = undefined;
  }
  state.errorsInARow += 1;
  const delay = Math.min(s.retryDelayMs * 2 ** (state.errorsInARow - 1), s.maxRetryDelayMs);
  const log = state.errorsInARow === 1 ? s.logger.error.bind(s.logger) : s.logger.warn.bind(s.logger);
  log({ err, schema: s.schema, attempt: state.errorsInARow, retryInMs: delay }, "outbox dispatcher round failed; rows stay and are retried");
  await sleep(delay, signal);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
