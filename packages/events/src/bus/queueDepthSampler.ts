import type { Metrics } from "@materi/platform";
import type { ConsumerLogger } from "../consumer/consumerOptions.js";
import { isNoGroupError, type EventTransport } from "../transports/EventTransport.js";

/** One (stream, consumer group) pair whose depth is sampled. */
export interface QueueTarget {
  stream: string;
  group: string;
}

export interface QueueDepthSamplerOptions {
  transport: EventTransport;
  metrics: Metrics;
  logger: ConsumerLogger;
  /** The pairs to sample, read at every tick (subscriptions come and go). */
  targets: () => readonly QueueTarget[];
  /** Sampling period, in ms. */
  intervalMs: number;
}

export interface QueueDepthSampler {
  /** Samples every target now; resolves when the gauges are set. */
  sample(): Promise<void>;
  stop(): void;
}

/**
 * Keeps `event_queue_depth{stream, consumer_group}` = pending + lag (XINFO GROUPS, issue 4 §7)
 * for the groups this process consumes. Sampled on a timer rather than on scrape, so a slow or
 * absent Redis never stalls /metrics.
 */
export function startQueueDepthSampler(options: QueueDepthSamplerOptions): QueueDepthSampler {
  let failing = false;
  let running: Promise<void> | undefined;

  async function sampleOne(target: QueueTarget): Promise<void> {
    const labels = { stream: target.stream, consumer_group: target.group };
    try {
      const { pending, lag } = await options.transport.groupInfo(target.stream, target.group);
      options.metrics.eventQueueDepth.set(labels, pending + lag);
    } catch (err) {
      // The consumer creates a missing group on its next turn; until then there is nothing to count.
      if (isNoGroupError(err)) return;
      throw err;
    }
  }

  async function sampleAll(): Promise<void> {
    try {
      await Promise.all(options.targets().map(sampleOne));
      failing = false;
    } catch (err) {
      // Logged once per outage: the consumers already report an unreachable transport loudly.
      if (!failing) options.logger.warn({ err }, "event_queue_depth sampling failed; keeping the last values");
      failing = true;
    }
  }

  const sample = (): Promise<void> => (running ??= sampleAll().finally(() => (running = undefined)));
  const timer = setInterval(() => void sample(), options.intervalMs);
  // A metrics timer must never keep a process alive that is otherwise done.
  timer.unref();
  return { sample, stop: () => clearInterval(timer) };
}
