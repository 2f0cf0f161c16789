import type { RecordSource, SourceMessage } from '@shadowdiff/engine';
import type { ConsumerGroup } from './consumer-group.js';

export interface MemorySourceOptions {
  /** Most messages per handler call (one partition per call, like a Kafka batch). Default 500. */
  maxBatch?: number;
  /** First delay before a failed batch is delivered again; doubles up to 5 s. Default 100 ms. */
  retryDelayMs?: number;
  /** Called with every handler rejection (the batch is then redelivered). Default: none. */
  onError?: (error: unknown) => void;
}

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * One member of a consumer group on the in-memory bus. Delivers its partitions' messages in
 * offset order, one batch at a time, and commits a batch only after the handler resolved
 * (at-least-once: a rejected batch comes again, after a back-off).
 */
export class MemorySource implements RecordSource {
  readonly #group: ConsumerGroup;
  readonly #afterCommit: () => void;
  readonly #maxBatch: number;
  readonly #retryDelayMs: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  #loop: Promise<void> | null = null;
  #running = false;
  #cancelSleep: (() => void) | null = null;

  constructor(group: ConsumerGroup, afterCommit: () => void, options: MemorySourceOptions = {}) {
    this.#group = group;
    this.#afterCommit = afterCommit;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#onError = options.onError;
  }

  /** Joins the group and starts delivering in the background; resolves once joined. */
  run(handle: (batch: SourceMessage[]) => Promise<void>): Promise<void> {
    if (this.#loop !== null) return Promise.reject(new Error('MemorySource is already running'));
    this.#running = true;
    this.#group.join(this);
    this.#loop = this.#consume(handle);
    return Promise.resolve();
  }

  /** Leaves the group; resolves after the batch in flight (if any) was handled and committed. */
  async stop(): Promise<void> {
    if (!this.#running) return this.#loop ?? undefined;
    this.#running = false;
    this.#group.leave(this);
    this.#cancelSleep?.();
    await this.#loop;
  }

  async #consume(handle: (batch: SourceMessage[]) => Promise<void>): Promise<void> {
    let cursor = 0;
    let delay = this.#retryDelayMs;
    while (this.#running) {
      const next = this.#nextBatch(cursor);
      if (next === null) {
        await this.#group.wait();
        continue;
      }
      cursor = next.cursor;
      try {
        await handle(next.batch);
      } catch (error) {
        this.#onError?.(error);
        await this.#sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
        continue;
      }
      delay = this.#retryDelayMs;
      this.#group.commit(next.partition, Number(next.batch[next.batch.length - 1]!.offset) + 1);
      this.#afterCommit();
    }
  }

  /** The next non-empty batch, visiting assigned partitions round robin so none starves. */
  #nextBatch(cursor: number): { batch: SourceMessage[]; partition: number; cursor: number } | null {
    const assigned = this.#group.assignedTo(this);
    for (let i = 0; i < assigned.length; i++) {
      const partition = assigned[(cursor + i) % assigned.length]!;
      const from = this.#group.committed(partition);
      const batch = this.#group.partitions[partition]!.read(from, from + this.#maxBatch);
      if (batch.length > 0) return { batch, partition, cursor: cursor + i + 1 };
    }
    return null;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#cancelSleep = done;
    });
  }
}
