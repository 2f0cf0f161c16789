interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers items handed in one by one (a BullMQ worker runs one processor call per job) into batches
 * for one `flush`, so N concurrent delayed jobs cost one `onDue` and one store round trip, not N.
 * Each `add` settles with its batch's outcome.
 */
export class MicroBatcher {
  readonly #flush: (items: string[]) => Promise<void>;
  readonly #maxSize: number;
  readonly #waitMs: number;
  #items: string[] = [];
  #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(flush: (items: string[]) => Promise<void>, maxSize: number, waitMs: number) {
    this.#flush = flush;
    this.#maxSize = maxSize;
    this.#waitMs = waitMs;
  }

  add(item: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#items.push(item);
      this.#waiters.push({ resolve, reject });
      if (this.#items.length >= this.#maxSize) this.#drain();
      else this.#timer ??= setTimeout(() => this.#drain(), this.#waitMs);
    });
  }

  #drain(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const items = this.#items;
    const waiters = this.#waiters;
    this.#items = [];
    this.#waiters = [];
    if (items.length === 0) return;
    Promise.resolve()
      .then(() => this.#flush(items))
      .then(
        () => waiters.forEach((w) => w.resolve()),
        (error: unknown) => waiters.forEach((w) => w.reject(error)),
      );
  }
}
