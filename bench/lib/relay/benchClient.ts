/** One simulated editor connected to the server under test (see hocuspocusClient.ts, yWebsocketClient.ts). */
export interface BenchClient {
  /** Resolves once the document is synced and this editor's paragraph exists (and, with acks, is acknowledged). */
  readonly ready: Promise<void>;
  /** Types one character. */
  type(): void;
  /** Updates sent and not yet acknowledged (0 without acknowledgements). */
  unacknowledged(): number;
  close(): void;
}
