import { performance } from "node:perf_hooks";
import { deadLetterFields } from "../dlq/deadLetterEntry.js";
import { fieldText, type DeliveredEntry } from "../transports/EventTransport.js";
import type { ConsumeObservation, ConsumerSettings } from "./consumerOptions.js";
import { failureReason, isPermanent } from "./errors.js";

/** What became of one entry: acknowledge it with the batch, leave it pending, or it was dead-lettered (and acknowledged). */
export type EntryOutcome = "ack" | "retry" | "dead";

// Reasons are kept per entry id so the dead letter written on a later attempt carries the last
// failure; bounded, since entries that succeed on a retry are forgotten only on success.
const MAX_REMEMBERED_FAILURES = 10_000;

/** Last failure reason per pending entry, within this process. */
export class FailureMemory {
  private readonly reasons = new Map<string, string>();

  get(id: string): string | undefined {
    return this.reasons.get(id);
  }

  set(id: string, reason: string): void {
    this.reasons.delete(id);
    this.reasons.set(id, reason);
    if (this.reasons.size > MAX_REMEMBERED_FAILURES) this.reasons.delete(this.reasons.keys().next().value!);
  }

  forget(id: string): void {
    this.reasons.delete(id);
  }
}

/**
 * Runs the handler for one entry. Never throws for a handler failure (STYLE.md §6: one bad
 * message never stops the loop); throws only when the transport fails while dead-lettering, and
 * then the entry stays pending and comes back.
 */
export async function processEntry(s: ConsumerSettings, failures: FailureMemory, entry: DeliveredEntry): Promise<EntryOutcome> {
  const eventType = fieldText(entry, "event_type") ?? "";
  const envelope = entry.fields["envelope"];
  if (entry.deliveries > s.maxDeliveries) {
    // Delivered past the limit without a recorded failure here: a consumer died while handling
    // it (perhaps because of it), or another process saw the failures.
    const reason = failures.get(entry.id) ?? `delivered ${entry.deliveries} times (limit ${s.maxDeliveries}) without being acknowledged`;
    return deadLetter(s, failures, entry, eventType, reason, 0);
  }
  if (!envelope) return deadLetter(s, failures, entry, eventType, "MalformedEnvelopeError: entry has no envelope field", 0);

  const started = performance.now();
  try {
    const { id, fields, deliveries } = entry;
    await s.handler({ stream: s.stream, group: s.group, id, eventType, envelope, fields, deliveries });
  } catch (err) {
    const durationMs = performance.now() - started;
    const reason = failureReason(err);
    failures.set(entry.id, reason);
    if (isPermanent(err) || entry.deliveries >= s.maxDeliveries) return deadLetter(s, failures, entry, eventType, reason, durationMs);
    const context = { stream: s.stream, group: s.group, entryId: entry.id, eventType, deliveries: entry.deliveries };
    s.logger.warn({ err, ...context }, "event handler failed; will retry");
    observe(s, { eventType, durationMs, outcome: "retry" });
    return "retry";
  }
  failures.forget(entry.id);
  observe(s, { eventType, durationMs: performance.now() - started, outcome: "ok" });
  return "ack";
}

/**
 * Copies the entry to the dead-letter stream, then acknowledges it. Two commands, not MULTI:
 * the two keys may live in different Redis Cluster slots, where a transaction cannot span them.
 * The copy goes first, so a crash between the two leaves the entry pending: it is dead-lettered
 * again later (a duplicate dead letter) instead of acknowledged and lost.
 */
async function deadLetter(
  s: ConsumerSettings,
  failures: FailureMemory,
  entry: DeliveredEntry,
  eventType: string,
  reason: string,
  durationMs: number,
): Promise<EntryOutcome> {
  const letter = {
    stream: s.stream,
    originalId: entry.id,
    group: s.group,
    consumer: s.consumer,
    eventType,
    envelope: entry.fields["envelope"],
    error: reason,
    attempts: entry.deliveries,
    failedAt: new Date().toISOString(),
  };
  const deadLetterId = await s.transport.append(s.deadLetterStream, deadLetterFields(letter));
  await s.transport.ack(s.stream, s.group, [entry.id]);
  failures.forget(entry.id);
  const payload = { stream: s.stream, group: s.group, entryId: entry.id, deadLetterId, eventType, attempts: entry.deliveries, error: reason };
  s.logger.error(payload, "event dead-lettered");
  observe(s, { eventType, durationMs, outcome: "dead_letter" });
  await notify(s, payload);
  return "dead";
}

function observe(s: ConsumerSettings, o: Omit<ConsumeObservation, "stream" | "group">): void {
  try {
    s.observe?.({ stream: s.stream, group: s.group, ...o });
  } catch (err) {
    // A metrics bug must not stop consumption; it is logged, and the entry's outcome stands.
    s.logger.warn({ err }, "consumer observe hook threw");
  }
}

async function notify(s: ConsumerSettings, payload: Parameters<NonNullable<ConsumerSettings["onDeadLetter"]>>[0]): Promise<void> {
  try {
    await s.onDeadLetter?.(payload);
  } catch (err) {
    // The dead letter is already written and acknowledged; a failing hook only loses its side effect.
    s.logger.warn({ err, deadLetterId: payload.deadLetterId }, "onDeadLetter hook threw");
  }
}
