import type { Logger } from "@materi/platform";
import { Redis } from "ioredis";
import type { StoredUpdate, UpdateChannel } from "../types.js";
import { CHANNEL_PREFIX, decodeUpdateMessage, documentChannelName, encodeUpdateMessage } from "./message.js";

type Listener = (update: StoredUpdate) => void;

const DEFAULT_CONNECTION_NAME = "materi-docstore";

export interface RedisUpdateChannelOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  logger: Logger;
  /** CLIENT LIST name of the connections, suffixed "-pub" and "-sub"; default "materi-docstore". */
  connectionName?: string;
  /**
   * Called each time the subscriber connection is back after a disconnect (its subscriptions are
   * restored by then). Messages published meanwhile were lost: resync followed documents by seq.
   * Default: none.
   */
  onReconnect?: () => void;
}

/**
 * Redis pub/sub, one channel per document (`materi:docstore:doc:<id>`), a publishing connection
 * and a dedicated subscriber connection (a subscribed connection can run nothing else). Both
 * reconnect forever with a capped backoff and ioredis re-subscribes on reconnect.
 *
 * Pub/sub is at-most-once: a message published while a subscriber is disconnected is lost. That
 * is by design: every message carries the document's gap-free seq, so a listener that sees a seq
 * other than last + 1 (or hears onReconnect) reads the missing ones with `updatesSince`.
 */
export function createRedisUpdateChannel(opts: RedisUpdateChannelOptions): UpdateChannel {
  return new RedisUpdateChannel(opts);
}

function connect(url: string, name: string, autoPipelining = false): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    // The publisher: one group commit announces many appends in the same tick; one write carries them.
    enableAutoPipelining: autoPipelining,
    // Fail a publish fast while Redis is away rather than queueing it: the append is already
    // durable and the relay resyncs by seq.
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // ioredis emits 'error' on every failed reconnect; a failing publish is logged by the store.
  redis.on("error", () => {});
  return redis;
}

class RedisUpdateChannel implements UpdateChannel {
  private readonly publisher: Redis;
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  // SUBSCRIBE in flight or done, per document, so a second subscriber waits for the first's.
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly opts: RedisUpdateChannelOptions) {
    this.publisher = connect(opts.url, `${opts.connectionName ?? DEFAULT_CONNECTION_NAME}-pub`, true);
  }

  async publish(update: StoredUpdate): Promise<void> {
    await this.publisher.publish(documentChannelName(update.documentId), Buffer.from(encodeUpdateMessage(update)));
  }

  async subscribe(documentId: string, listener: Listener): Promise<() => Promise<void>> {
    if (this.closed) throw new Error("The update channel is closed");
    const subscriber = this.subscriberConnection();
    let listeners = this.listeners.get(documentId);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(documentId, listeners);
    }
    const entry: Listener = (update) => listener(update);
    listeners.add(entry);
    const name = documentChannelName(documentId);
    let pending = this.subscribed.get(documentId);
    if (!pending) {
      pending = subscriber.subscribe(name);
      this.subscribed.set(documentId, pending);
    }
    try {
      await pending;
    } catch (err) {
      this.removeListener(documentId, entry);
      throw err;
    }
    return async () => {
      if (this.removeListener(documentId, entry) && !this.closed) await subscriber.unsubscribe(name);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await Promise.all([this.publisher, this.subscriber].map((r) => r?.quit().catch(() => r.disconnect())));
  }

  /** True when that was the document's last listener here. */
  private removeListener(documentId: string, entry: Listener): boolean {
    const listeners = this.listeners.get(documentId);
    if (!listeners?.delete(entry) || listeners.size > 0) return false;
    this.listeners.delete(documentId);
    this.subscribed.delete(documentId);
    return true;
  }

  private subscriberConnection(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = connect(this.opts.url, `${this.opts.connectionName ?? DEFAULT_CONNECTION_NAME}-sub`);
    let wasReady = false;
    subscriber.on("ready", () => {
      if (wasReady) queueMicrotask(() => this.resubscribed(subscriber));
      wasReady = true;
    });
    subscriber.on("messageBuffer", (channel: Buffer, message: Buffer) => this.deliver(channel.toString(), message));
    this.subscriber = subscriber;
    return subscriber;
  }

  // ioredis emits 'ready' just before it re-sends SUBSCRIBE for every channel; a PING queued after
  // those is answered once Redis has them all, so onReconnect's resync cannot miss a message.
  private resubscribed(subscriber: Redis): void {
    subscriber
      .ping()
      .then(() => this.opts.onReconnect?.())
      .catch((err: unknown) => this.opts.logger.warn({ err }, "docstore update channel: ping after reconnect failed"));
  }

  private deliver(channel: string, message: Buffer): void {
    const update = decodeUpdateMessage(message);
    const documentId = channel.slice(CHANNEL_PREFIX.length);
    if (!update || update.documentId !== documentId) {
      this.opts.logger.warn({ channel }, "unreadable docstore update message dropped");
      return;
    }
    for (const listener of [...(this.listeners.get(documentId) ?? [])]) {
      try {
        listener(update);
      } catch (err) {
        this.opts.logger.error({ err, documentId, seq: update.seq }, "docstore update listener failed");
      }
    }
  }
}
