import type { Document } from "@hocuspocus/server";
import type { DocStore, StoredUpdate } from "@materi/docstore";
import type { Logger } from "@materi/platform";
import * as Y from "yjs";
import type { RelayMetrics } from "../metrics/relayMetrics.js";

/**
 * Updates from storage or another instance: hocuspocus broadcasts them to this instance's
 * clients but runs no store hooks, and the durability extension never sees them (they do not
 * come from a connection), so nothing is appended twice.
 */
export const FANOUT_ORIGIN = Object.freeze({ source: "redis" as const });

interface Followed {
  document: Document;
  /** Every seq up to here is applied. */
  head: number;
  /** Seqs above head+1 already applied (this instance's own appends). */
  ahead: Set<number>;
  /** Messages heard while the document is still loading. */
  pending: StoredUpdate[] | null;
  /** Approximate stored size, for the document size cap. */
  bytes: number;
  unsubscribe: () => Promise<void>;
  resyncing: Promise<void> | null;
  resyncAgain: boolean;
  gapTimer: NodeJS.Timeout | null;
  /** The stored head the previous head check read (0 before the first). */
  storedHead: number;
}

/** How long an own append may sit ahead of the heard head before the missing seqs are read. */
const AHEAD_GRACE_MS = 100;

/**
 * Keeps every loaded document level with the docstore log. Each follows the document's update
 * channel (at most once delivery); messages carry the gap-free seq, so a seq other than head+1
 * means one was lost and the instance reads what it missed with `updatesSince`. After the
 * channel reconnects (Redis was away) every loaded document resyncs the same way.
 */
export class DocumentFollowers {
  private readonly followed = new Map<string, Followed>();

  constructor(
    private readonly docs: DocStore,
    private readonly logger: Logger,
    private readonly metrics: RelayMetrics,
  ) {}

  /** Subscribes, then loads (so nothing committed in between is missed) into `document`. */
  async follow(document: Document): Promise<void> {
    const id = document.name;
    const entry: Followed = { document, head: 0, ahead: new Set(), pending: [], bytes: 0, unsubscribe: async () => undefined, resyncing: null, resyncAgain: false, gapTimer: null, storedHead: 0 };
    this.followed.set(id, entry);
    try {
      entry.unsubscribe = await this.docs.channel.subscribe(id, (update) => this.onMessage(entry, update));
      const loaded = await this.docs.load(id);
      const state = Y.encodeStateAsUpdate(loaded.doc);
      loaded.doc.destroy();
      Y.applyUpdate(document, state, FANOUT_ORIGIN);
      entry.head = loaded.seq;
      entry.bytes = state.byteLength;
      const heard = entry.pending ?? [];
      entry.pending = null;
      for (const update of heard) this.onMessage(entry, update);
    } catch (err) {
      this.followed.delete(id);
      await entry.unsubscribe().catch(() => undefined);
      throw err;
    }
  }

  async unfollow(documentName: string): Promise<void> {
    const entry = this.followed.get(documentName);
    if (!entry) return;
    this.followed.delete(documentName);
    if (entry.gapTimer) clearTimeout(entry.gapTimer);
    await entry.unsubscribe().catch((err: unknown) => this.logger.warn({ err, documentId: documentName }, "relay could not unsubscribe a document"));
  }

  /** This instance appended `update` as `seq` and hocuspocus applies it now. */
  markApplied(documentName: string, seq: number, byteLength: number): void {
    const entry = this.followed.get(documentName);
    if (!entry) return;
    entry.bytes += byteLength;
    if (seq <= entry.head) return;
    entry.ahead.add(seq);
    this.advance(entry);
    // Our own append landed past a seq not heard of yet. Usually its announcement is on its way;
    // if it still has not come after a moment, it was lost.
    if (entry.ahead.size > 0 && !entry.gapTimer) {
      entry.gapTimer = setTimeout(() => {
        entry.gapTimer = null;
        if (entry.ahead.size > 0 && this.followed.get(entry.document.name) === entry) void this.resync(entry, "gap");
      }, AHEAD_GRACE_MS);
      entry.gapTimer.unref();
    }
  }

  /**
   * Whether adding `extra` bytes takes the document past `cap`. The running count (state at load
   * plus every update since) only grows; near the cap it is replaced by the real encoded size.
   */
  wouldExceed(documentName: string, extra: number, cap: number): boolean {
    const entry = this.followed.get(documentName);
    if (!entry) return false;
    if (entry.bytes + extra <= cap) return false;
    entry.bytes = Y.encodeStateAsUpdate(entry.document).byteLength;
    return entry.bytes + extra > cap;
  }

  /** The applied head of a loaded document (tests, metrics). */
  headOf(documentName: string): number | undefined {
    return this.followed.get(documentName)?.head;
  }

  /** The loaded documents' ids (lower case, as the docstore keys them). */
  documentIds(): string[] {
    return [...this.followed.keys()].map((id) => id.toLowerCase());
  }

  /**
   * A head check read the documents' stored heads (`stored`, by lower-case id; absent = 0). A
   * lost announcement of the *last* update leaves no later seq to reveal the gap, so a document
   * whose stored head read at the previous check is still above its applied head reads the log.
   * Comparing with the previous reading, not this one, leaves an interval for what is merely in
   * flight (an own append committed but not yet applied, an announcement on its way).
   */
  compareStoredHeads(stored: ReadonlyMap<string, number>): void {
    for (const [id, entry] of this.followed) {
      if (entry.pending) continue;
      if (entry.storedHead > entry.head) void this.resync(entry, "head");
      entry.storedHead = stored.get(id.toLowerCase()) ?? 0;
    }
  }

  /** After a channel reconnect: whatever was announced meanwhile was lost. */
  resyncAll(reason = "reconnect"): void {
    for (const entry of this.followed.values()) void this.resync(entry, reason);
  }

  get size(): number {
    return this.followed.size;
  }

  private onMessage(entry: Followed, update: StoredUpdate): void {
    if (entry.pending) {
      entry.pending.push(update);
      return;
    }
    if (update.seq <= entry.head || entry.ahead.has(update.seq)) return;
    if (update.seq !== entry.head + 1) {
      void this.resync(entry, "gap");
      return;
    }
    this.apply(entry, update);
  }

  private apply(entry: Followed, update: StoredUpdate): void {
    if (entry.document.isDestroyed) return;
    Y.applyUpdate(entry.document, update.update, FANOUT_ORIGIN);
    entry.bytes += update.update.byteLength;
    if (update.seq > entry.head) entry.head = update.seq;
    this.advance(entry);
  }

  private advance(entry: Followed): void {
    while (entry.ahead.has(entry.head + 1)) {
      entry.head += 1;
      entry.ahead.delete(entry.head);
    }
    for (const seq of entry.ahead) if (seq <= entry.head) entry.ahead.delete(seq);
  }

  /** One read of the log after head at a time; a request during it runs once more after. */
  private resync(entry: Followed, reason: string): Promise<void> {
    if (entry.resyncing) {
      entry.resyncAgain = true;
      return entry.resyncing;
    }
    this.metrics.resyncs.inc({ reason });
    entry.resyncing = (async () => {
      do {
        entry.resyncAgain = false;
        try {
          const missed = await this.docs.updatesSince(entry.document.name, entry.head);
          for (const update of missed) if (update.seq > entry.head || update.origin === "snapshot") this.apply(entry, update);
        } catch (err) {
          this.logger.warn({ err, documentId: entry.document.name }, "relay resync failed; retrying on the next message or reconnect");
        }
      } while (entry.resyncAgain && this.followed.get(entry.document.name) === entry);
      entry.resyncing = null;
    })();
    return entry.resyncing;
  }
}
