/**
 * Timeouts for many concurrent exchanges without a timer each. A per-request `setTimeout`, or a
 * socket timeout that node's keep-alive agent resets to its own value every time a socket goes
 * back to the pool, costs timer-list and listener churn on every request; here a request costs two
 * pointer updates to join and leave a list, and a single interval sweeps. Expiry is late by at most
 * one sweep period.
 *
 * The list is intrusive (each deadline is its own list node) rather than a `Set`: a long-lived Set
 * with an add and a delete per request made V8's young-generation collections keep ~10% of all
 * request garbage alive on the tap benchmark (scavenges of 2-3 ms instead of ~0.5 ms, about 8 µs of
 * CPU per request and most of the tap's p99 over a bare proxy). A removed node drops its links, so
 * nothing old points at a finished exchange.
 */
export interface Destroyable {
  destroy(error: Error): unknown;
}

export class Deadline {
  since = Date.now();
  /** List links; both undefined (and not the head) once forgotten. */
  prev: Deadline | undefined;
  next: Deadline | undefined;
  linked = false;

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
  private head: Deadline | undefined;
  private tail: Deadline | undefined;
  private count = 0;
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
    deadline.linked = true;
    deadline.prev = this.tail;
    if (this.tail) this.tail.next = deadline;
    else this.head = deadline;
    this.tail = deadline;
    this.count += 1;
    return deadline;
  }

  forget(deadline: Deadline): void {
    if (!deadline.linked) return;
    const { prev, next } = deadline;
    if (prev) prev.next = next;
    else this.head = next;
    if (next) next.prev = prev;
    else this.tail = prev;
    deadline.prev = undefined;
    deadline.next = undefined;
    deadline.linked = false;
    this.count -= 1;
  }

  get size(): number {
    return this.count;
  }

  close(): void {
    clearInterval(this.timer);
    while (this.head) this.forget(this.head);
  }

  private sweep(): void {
    const limit = Date.now() - this.timeoutMs;
    const expired: Deadline[] = [];
    for (let d = this.head; d; d = d.next) if (d.since <= limit) expired.push(d);
    for (const deadline of expired) {
      // An earlier destroy may have ended (and forgotten) this exchange already.
      if (!deadline.linked) continue;
      this.forget(deadline);
      deadline.target.destroy(this.error());
    }
  }
}
