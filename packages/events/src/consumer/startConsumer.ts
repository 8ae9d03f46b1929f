import { isNoGroupError, type DeliveredEntry } from "../transports/EventTransport.js";
import { consumerSettings, type ConsumerOptions, type ConsumerSettings } from "./consumerOptions.js";
import { FailureMemory, processEntry } from "./processEntry.js";

export interface RunningConsumer {
  /** This consumer's name within its group. */
  readonly name: string;
  /** Finishes the batch in flight (handlers and its acknowledgement), then stops. Resolves with `done`. */
  stop(): Promise<void>;
  /** Resolves when the loop has ended; never rejects. */
  readonly done: Promise<void>;
}

interface LoopState {
  failures: FailureMemory;
  startId: string;
  groupReady: boolean;
  lastClaimAt: number;
  errorsInARow: number;
}

/**
 * Consumes one stream as one member of a consumer group (issue 4, §4): stale pending entries
 * are claimed first (XAUTOCLAIM), then new ones are read in batches (XREADGROUP >); each entry
 * is acknowledged only after its handler succeeded, dead-lettered after `maxDeliveries`, and a
 * failing entry or an unreachable Redis never ends the loop (STYLE.md §6, like y-redis Worker).
 * Delivery is at least once: handlers must be idempotent by event_id.
 */
export function startConsumer(options: ConsumerOptions): RunningConsumer {
  const s = consumerSettings(options);
  const stopping = new AbortController();
  const done = runLoop(s, stopping.signal);
  return {
    name: s.consumer,
    stop() {
      stopping.abort();
      return done;
    },
    done,
  };
}

async function runLoop(s: ConsumerSettings, signal: AbortSignal): Promise<void> {
  const state: LoopState = { failures: new FailureMemory(), startId: s.startId, groupReady: false, lastClaimAt: 0, errorsInARow: 0 };
  while (!signal.aborted) {
    try {
      if (!state.groupReady) {
        await s.transport.ensureGroup(s.stream, s.group, state.startId);
        state.groupReady = true;
      }
      await cycle(s, state, signal);
      if (state.errorsInARow > 0) s.logger.info({ stream: s.stream, group: s.group }, "event consumer recovered");
      state.errorsInARow = 0;
    } catch (err) {
      await recover(s, state, err, signal);
    }
  }
}

/** One turn: stale entries first when it is time to look, otherwise a batch of new ones. */
async function cycle(s: ConsumerSettings, state: LoopState, signal: AbortSignal): Promise<void> {
  if (Date.now() - state.lastClaimAt >= s.claimIntervalMs) {
    const claimed = await s.transport.claimStale(s.stream, s.group, s.consumer, s.claimIdleMs, s.batchSize);
    // A full page means more may be waiting: look again next turn instead of after the interval.
    state.lastClaimAt = claimed.entries.length >= s.batchSize ? 0 : Date.now();
    if (claimed.deletedIds.length > 0) {
      const lost = { stream: s.stream, group: s.group, ids: claimed.deletedIds };
      s.logger.error(lost, "pending entries were deleted before being handled: lost");
    }
    if (claimed.entries.length > 0) return processBatch(s, state, claimed.entries);
  }
  const entries = await s.transport.readGroup(s.stream, s.group, s.consumer, { count: s.batchSize, blockMs: s.blockMs, signal });
  await processBatch(s, state, entries);
}

/** Handlers run one at a time in id order; successes are acknowledged together with one XACK. */
async function processBatch(s: ConsumerSettings, state: LoopState, entries: readonly DeliveredEntry[]): Promise<void> {
  const handled: string[] = [];
  try {
    for (const entry of entries) {
      if ((await processEntry(s, state.failures, entry)) === "ack") handled.push(entry.id);
    }
  } finally {
    // Even when dead-lettering failed mid-batch, what succeeded is acknowledged.
    if (handled.length > 0) await s.transport.ack(s.stream, s.group, handled);
  }
}

/** After a transport error: recreate a vanished group at once, otherwise back off and try again. */
async function recover(s: ConsumerSettings, state: LoopState, err: unknown, signal: AbortSignal): Promise<void> {
  if (isNoGroupError(err) && state.groupReady) {
    // The stream or group vanished (a Redis that restarted empty, a deleted key). Whatever the
    // stream holds now was written since, so the new group reads it all rather than from "$".
    s.logger.warn({ stream: s.stream, group: s.group }, "consumer group missing; recreating it from the start of the stream");
    state.groupReady = false;
    state.startId = "0";
    state.errorsInARow += 1;
    // At once the first time; if it keeps vanishing, back off like any other failure.
    if (state.errorsInARow === 1) return;
  } else {
    state.errorsInARow += 1;
  }
  const delay = Math.min(s.retryDelayMs * 2 ** (state.errorsInARow - 1), s.maxRetryDelayMs);
  const log = state.errorsInARow === 1 ? s.logger.error.bind(s.logger) : s.logger.warn.bind(s.logger);
  const context = { stream: s.stream, group: s.group, attempt: state.errorsInARow, retryInMs: delay };
  log({ err, ...context }, "event consumer cannot reach its transport; retrying");
  await sleep(delay, signal);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
