interface Deadline {
  traceId: string;
  dueAt: number;
}

/**
 * A binary min-heap of deadlines, one live entry per trace id (the earliest wins), so that popping
 * everything due is O(k log n) however many traces wait.
 */
export class DeadlineHeap {
  readonly #heap: Deadline[] = [];
  /** Live due time per trace id; heap entries that disagree are stale and skipped on pop. */
  readonly #due = new Map<string, number>();

  get size(): number {
    return this.#due.size;
  }

  /** Adds a deadline; a trace already waiting keeps the earlier of its two deadlines. */
  push(traceId: string, dueAt: number): void {
    const current = this.#due.get(traceId);
    if (current !== undefined && current <= dueAt) return;
    this.#due.set(traceId, dueAt);
    this.#heap.push({ traceId, dueAt });
    this.#up(this.#heap.length - 1);
  }

  /** The earliest live deadline, or undefined when empty. */
  peek(): number | undefined {
    this.#dropStale();
    return this.#heap[0]?.dueAt;
  }

  /** Removes and returns up to `limit` trace ids due at `now` (dueAt <= now), earliest first. */
  popDue(now: number, limit: number): string[] {
    const out: string[] = [];
    while (out.length < limit) {
      this.#dropStale();
      const top = this.#heap[0];
      if (top === undefined || top.dueAt > now) break;
      this.#removeTop();
      this.#due.delete(top.traceId);
      out.push(top.traceId);
    }
    return out;
  }

  #dropStale(): void {
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined || this.#due.get(top.traceId) === top.dueAt) return;
      this.#removeTop();
    }
  }

  #removeTop(): void {
    const last = this.#heap.pop();
    if (last === undefined || this.#heap.length === 0) return;
    this.#heap[0] = last;
    this.#down(0);
  }

  #up(index: number): void {
    const heap = this.#heap;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const a = heap[i]!;
      const b = heap[parent]!;
      if (b.dueAt <= a.dueAt) return;
      heap[i] = b;
      heap[parent] = a;
      i = parent;
    }
  }

  #down(index: number): void {
    const heap = this.#heap;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && heap[left]!.dueAt < heap[smallest]!.dueAt) smallest = left;
      if (right < heap.length && heap[right]!.dueAt < heap[smallest]!.dueAt) smallest = right;
      if (smallest === i) return;
      const a = heap[i]!;
      heap[i] = heap[smallest]!;
      heap[smallest] = a;
      i = smallest;
    }
  }
}
