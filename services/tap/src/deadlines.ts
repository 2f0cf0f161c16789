/**
 * Timeouts for many concurrent exchanges without a timer each. A per-request `setTimeout`, or a
 * socket timeout that node's keep-alive agent resets to its own value every time a socket goes
 * back to the pool, costs timer-list and listener churn on every request; here a request costs one
 * Set insert and delete, and a single interval sweeps. Expiry is late by at most one sweep period.
 */
export interface Destroyable {
  destroy(error: Error): unknown;
}

export class Deadline {
  since = Date.now();

  constructor(
    private readonly owner: Deadlines,
    readonly target: Destroyable,
  ) {}

  /** Activity seen: an idle deadline starts again from now. */
  touch(): void {
    this.since = Date.now();
  }

  /** The exchange ended; forget it. */
  clear(): void {
    this.owner.forget(this);
  }
}

export class Deadlines {
  private readonly entries = new Set<Deadline>();
  private readonly timer: NodeJS.Timeout;

  /**
   * @param timeoutMs how long an exchange may go without activity (or run, if never touched).
   * @param error what an expired exchange is destroyed with.
   * @param sweepMs how often to look; default a tenth of the timeout, between 5 ms and 1 s.
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly error: () => Error,
    sweepMs = Math.min(1_000, Math.max(5, Math.floor(timeoutMs / 10))),
  ) {
    this.timer = setInterval(() => this.sweep(), sweepMs);
    this.timer.unref();
  }

  /** Destroys `target` with the timeout error once it has been idle for the timeout. */
  track(target: Destroyable): Deadline {
    const deadline = new Deadline(this, target);
    this.entries.add(deadline);
    return deadline;
  }

  forget(deadline: Deadline): void {
    this.entries.delete(deadline);
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    clearInterval(this.timer);
    this.entries.clear();
  }

  private sweep(): void {
    const limit = Date.now() - this.timeoutMs;
    for (const deadline of this.entries) {
      if (deadline.since > limit) continue;
      this.entries.delete(deadline);
      deadline.target.destroy(this.error());
    }
  }
}
