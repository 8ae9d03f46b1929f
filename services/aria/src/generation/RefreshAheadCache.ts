interface Entry<V> {
  value: V;
  /** performance.now() ms after which the value is no longer served: the source is asked first. */
  until: number;
  /** performance.now() ms after which a request that uses the value also reloads it in the background. */
  refreshFrom: number;
  refreshing: boolean;
}

export interface RefreshAheadGetOptions<V> {
  /** Whether a fresh value still applies (e.g. it is today's); default always. */
  usable?: (value: V) => boolean;
  /** A failed background reload: "drop" forgets the value at once, "keep" serves it until it expires. Default "keep". */
  onRefreshError?: (err: unknown) => "drop" | "keep";
}

/**
 * Values loaded on demand and served for `ttlMs`; past half that, the request that uses one also
 * reloads it in the background (refresh-ahead), so steady traffic never waits for the source while
 * no value is served longer than `ttlMs` after it was loaded. `ttlMs` 0 keeps nothing. At most
 * `maxEntries` values, the oldest dropped first.
 */
export class RefreshAheadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  async get(key: string, load: () => Promise<V>, opts: RefreshAheadGetOptions<V> = {}): Promise<V> {
    const entry = this.entries.get(key);
    const now = performance.now();
    if (entry !== undefined && entry.until > now && (opts.usable?.(entry.value) ?? true)) {
      if (entry.refreshFrom <= now && !entry.refreshing) this.refresh(key, entry, load, opts.onRefreshError);
      return entry.value;
    }
    return this.loadAndKeep(key, load);
  }

  /** The value kept for `key`, fresh or not, to be updated in place. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  private async loadAndKeep(key: string, load: () => Promise<V>): Promise<V> {
    const value = await load();
    if (this.ttlMs === 0) return value;
    // A Map iterates in insertion order: re-inserting makes this the newest, the first key the oldest.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const now = performance.now();
    this.entries.set(key, { value, until: now + this.ttlMs, refreshFrom: now + this.ttlMs / 2, refreshing: false });
    return value;
  }

  private refresh(key: string, entry: Entry<V>, load: () => Promise<V>, onError: RefreshAheadGetOptions<V>["onRefreshError"]): void {
    entry.refreshing = true;
    this.loadAndKeep(key, load).catch((err: unknown) => {
      if (onError?.(err) === "drop") {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      } else {
        entry.refreshing = false;
      }
    });
  }
}
