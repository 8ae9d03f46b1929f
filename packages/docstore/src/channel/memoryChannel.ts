import type { Logger } from "@materi/platform";
import type { StoredUpdate, UpdateChannel } from "../types.js";

type Listener = (update: StoredUpdate) => void;

// Module-level on purpose: api, relay and aria started in one process (`npm start`) each create
// their own channel handle and must still hear each other's appends.
const listenersByDocument = new Map<string, Set<Listener>>();

/**
 * The in-process update channel: every handle in the process shares one registry. Listeners are
 * called on a later microtask, in publish order, as a pub/sub subscriber would be.
 */
export function createMemoryUpdateChannel(logger: Logger): UpdateChannel {
  return new MemoryUpdateChannel(logger);
}

class MemoryUpdateChannel implements UpdateChannel {
  // This handle's subscriptions, so close() removes only them and not other services' ones.
  private readonly mine = new Set<() => void>();

  constructor(private readonly logger: Logger) {}

  async publish(update: StoredUpdate): Promise<void> {
    const listeners = listenersByDocument.get(update.documentId);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      queueMicrotask(() => {
        try {
          listener(update);
        } catch (err) {
          this.logger.error({ err, documentId: update.documentId, seq: update.seq }, "docstore update listener failed");
        }
      });
    }
  }

  async subscribe(documentId: string, listener: Listener): Promise<() => Promise<void>> {
    let listeners = listenersByDocument.get(documentId);
    if (!listeners) {
      listeners = new Set();
      listenersByDocument.set(documentId, listeners);
    }
    // Wrapped so one function subscribed twice is two subscriptions, each removed on its own.
    const entry: Listener = (update) => listener(update);
    listeners.add(entry);
    const remove = (): void => {
      this.mine.delete(remove);
      const current = listenersByDocument.get(documentId);
      current?.delete(entry);
      if (current?.size === 0) listenersByDocument.delete(documentId);
    };
    this.mine.add(remove);
    return async () => remove();
  }

  async close(): Promise<void> {
    for (const remove of [...this.mine]) remove();
  }
}
