/**
 * A counting semaphore with a FIFO queue: at most `limit` channels are open on one connection at
 * once, the rest wait their turn. Records the peak, so tests and benchmarks can prove the cap.
 */
export class ChannelLimiter {
  private active = 0;
  private peakActive = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  /** Highest number of simultaneously held slots so far. */
  get peak(): number {
    return this.peakActive;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.take();
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    // release() handed its slot over: the count already includes this holder.
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  private take(): void {
    this.active++;
    if (this.active > this.peakActive) this.peakActive = this.active;
  }
}
