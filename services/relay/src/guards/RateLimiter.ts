/**
 * Two token buckets (messages and bytes) per connection, refilled continuously: `perSecond`
 * sustained, bursts up to `burstFactor` seconds' worth.
 */
export class RateLimiter {
  private messages: number;
  private bytes: number;
  private last: number;

  constructor(
    private readonly messagesPerS: number,
    private readonly bytesPerS: number,
    private readonly burstFactor = 2,
    private readonly now: () => number = Date.now,
  ) {
    this.messages = messagesPerS * burstFactor;
    this.bytes = bytesPerS * burstFactor;
    this.last = now();
  }

  /** Takes one message of `size` bytes; false when either bucket is empty. */
  take(size: number): boolean {
    const now = this.now();
    const elapsedS = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.messages = Math.min(this.messagesPerS * this.burstFactor, this.messages + elapsedS * this.messagesPerS);
    this.bytes = Math.min(this.bytesPerS * this.burstFactor, this.bytes + elapsedS * this.bytesPerS);
    if (this.messages < 1 || this.bytes < size) return false;
    this.messages -= 1;
    this.bytes -= size;
    return true;
  }
}
