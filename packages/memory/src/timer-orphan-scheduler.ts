import type { Clock, OrphanScheduler } from '@shadowdiff/engine';
import { DeadlineHeap } from './deadline-heap.js';
import { systemClock } from './system-clock.js';

export interface TimerOrphanSchedulerOptions {
  /** Time source deadlines are compared with. Default: `Date.now`. */
  clock?: Clock;
  /** Most trace ids handed to one `onDue` call. Default 1000. */
  batchSize?: number;
  /** Delay before trace ids whose `onDue` rejected fire again. Default 1000 ms. */
  retryDelayMs?: number;
  /** Called with an `onDue` rejection (the ids fire again after `retryDelayMs`). Default: none. */
  onError?: (error: unknown) => void;
}

/** Longest single timer; a far deadline is reached through several (setTimeout caps at ~24.8 d). */
const MAX_TIMER_MS = 60_000;

/**
 * The embedded {@link OrphanScheduler}: an in-memory deadline heap swept by one timer armed for the
 * earliest deadline. Fires a trace only once `clock.now() >= dueAt` (timers may wake early or the
 * clock be a test's, so every wake-up re-checks), in batches, one `onDue` at a time.
 */
export class TimerOrphanScheduler implements OrphanScheduler {
  readonly #clock: Clock;
  readonly #batchSize: number;
  readonly #retryDelayMs: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #heap = new DeadlineHeap();
  #onDue: ((traceIds: string[]) => Promise<void>) | null = null;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Number.POSITIVE_INFINITY;
  #sweeping: Promise<void> | null = null;

  constructor(options: TimerOrphanSchedulerOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#batchSize = options.batchSize ?? 1_000;
    this.#retryDelayMs = options.retryDelayMs ?? 1_000;
    this.#onError = options.onError;
  }

  /** Trace ids waiting to fire. */
  get pending(): number {
    return this.#heap.size;
  }

  schedule(entries: readonly { traceId: string; dueAt: number }[]): Promise<void> {
    for (const { traceId, dueAt } of entries) this.#heap.push(traceId, dueAt);
    this.#arm();
    return Promise.resolve();
  }

  start(onDue: (traceIds: string[]) => Promise<void>): Promise<void> {
    this.#onDue = onDue;
    this.#arm();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#onDue = null;
    this.#disarm();
    await this.#sweeping;
  }

  /**
   * Fires everything due now and waits for it. The timer calls this; tests driving a manual clock
   * call it after advancing the clock.
   */
  async sweep(): Promise<void> {
    if (this.#sweeping) return this.#sweeping;
    this.#sweeping = this.#drain().finally(() => {
      this.#sweeping = null;
      this.#arm();
    });
    return this.#sweeping;
  }

  async #drain(): Promise<void> {
    for (;;) {
      const onDue = this.#onDue;
      if (onDue === null) return;
      const now = this.#clock.now();
      const due = this.#heap.popDue(now, this.#batchSize);
      if (due.length === 0) return;
      try {
        await onDue(due);
      } catch (error) {
        // At-least-once: the batch fires again later rather than being lost.
        this.#onError?.(error);
        const retryAt = this.#clock.now() + this.#retryDelayMs;
        for (const traceId of due) this.#heap.push(traceId, retryAt);
        return;
      }
    }
  }

  #arm(): void {
    if (this.#onDue === null || this.#sweeping !== null) return;
    const next = this.#heap.peek();
    if (next === undefined) return this.#disarm();
    if (this.#timer !== null && this.#timerAt <= next) return;
    this.#disarm();
    const delay = Math.min(Math.max(next - this.#clock.now(), 0), MAX_TIMER_MS);
    this.#timerAt = next;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Number.POSITIVE_INFINITY;
      void this.sweep();
    }, delay);
  }

  #disarm(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }
}
