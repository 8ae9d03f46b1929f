import type { Logger } from "@materi/platform";

/**
 * Writes a request does not wait for (usage records written after the answer went out): each
 * failure is logged, and shutdown waits for those still in flight before the pool closes.
 */
export class BackgroundWrites {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(label: string, write: () => Promise<void>): void {
    const running: Promise<void> = write()
      .catch((err: unknown) => this.logger.error({ err }, `${label} failed`))
      .finally(() => this.pending.delete(running));
    this.pending.add(running);
  }

  /** Resolves once every write started so far has settled. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }
}
