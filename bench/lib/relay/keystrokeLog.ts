/**
 * The timing records of one client process: keystrokes sent, keystrokes seen arriving at other
 * clients, acknowledgements. Clocks are shared by every process on the machine, so the parent joins
 * sends and arrivals from different processes by keystroke key.
 */

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** One keystroke's identity: the Yjs item id (clientID < 2^32, clock < 2^21) packed into a safe integer. */
export function keystrokeKey(clientId: number, clock: number): number {
  return clientId * 2 ** 21 + clock;
}

/** A growable array of (a, b) number pairs. */
export class PairBuffer {
  private data = new Float64Array(4096);
  private used = 0;

  push(a: number, b: number): void {
    if (this.used + 2 > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.used++] = a;
    this.data[this.used++] = b;
  }

  toArray(): Float64Array {
    return this.data.slice(0, this.used);
  }
}

/** What every client in a process records into. */
export class KeystrokeLog {
  readonly sends = new PairBuffer();
  readonly arrivals = new PairBuffer();
  readonly acks = new PairBuffer();
  updatesSent = 0;
  disconnects = 0;
}
