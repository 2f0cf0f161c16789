/**
 * Counts events by reason and writes at most one summary line per interval, so a broker outage
 * that drops thousands of records a second produces a line every few seconds, not a flood.
 */
export class RateLimitedCounterLog<R extends string> {
  private counts = new Map<R, number>();
  private lastLineAt = -Infinity;

  constructor(
    private readonly write: (line: string) => void,
    private readonly describe: (counts: ReadonlyMap<R, number>, sinceMs: number) => string,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  note(reason: R, count = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + count);
    if (this.now() - this.lastLineAt >= this.intervalMs) this.flush();
  }

  /** Writes what was counted since the last line, if anything. */
  flush(): void {
    if (this.counts.size === 0) return;
    const now = this.now();
    const since = Number.isFinite(this.lastLineAt) ? now - this.lastLineAt : 0;
    this.write(this.describe(this.counts, since));
    this.counts = new Map();
    this.lastLineAt = now;
  }
}
