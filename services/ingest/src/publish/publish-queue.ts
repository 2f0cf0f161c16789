import { ShadowdiffError } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';

export interface PublishQueueOptions {
  /** Messages held while the transport is slow or down; beyond it new ones are dropped. Default 10000. */
  maxQueued?: number;
  /** Messages per `publish` call. Default 500. */
  batchSize?: number;
  /**
   * Value bytes per `publish` call (a larger message goes alone), so a batch stays within the
   * broker's `message.max.bytes`. Default: no bound.
   */
  maxBatchBytes?: number;
  /** First and largest wait before retrying a batch the transport refused as retriable. Default 100 / 5000 ms. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Called with the number of messages the transport accepted, after each batch. */
  onPublished?: (count: number) => void;
  /** One line per failure streak (not per retry). Default: discarded. */
  log?: (line: string) => void;
}

export interface PublishQueueStats {
  published: number;
  /** Refused because the queue was full, the transport failed for good, or close timed out. */
  dropped: number;
  queued: number;
}

/**
 * A bounded queue in front of a RecordPublisher: callers hand messages over without waiting for
 * the transport (GoReplay must get its echo at once), batches go out in order, retriable failures
 * are retried with capped backoff, and when the transport cannot keep up the queue drops new
 * messages and counts them rather than growing without bound.
 */
export class PublishQueue {
  private readonly queue: OutboundMessage[] = [];
  private readonly maxQueued: number;
  private readonly batchSize: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly log: (line: string) => void;
  private published = 0;
  private dropped = 0;
  private pump: Promise<void> | undefined;
  /** Whether drain() runs; it clears this itself (see its finally). */
  private draining = false;
  private closing = false;
  /** Set when close gave up: the drain loop stops and counts nothing more. */
  private abandoned = false;
  private cancelSleep: (() => void) | undefined;

  constructor(
    private readonly publisher: RecordPublisher,
    private readonly options: PublishQueueOptions = {},
  ) {
    this.maxQueued = options.maxQueued ?? 10_000;
    this.batchSize = options.batchSize ?? 500;
    this.retryInitialMs = options.retryInitialMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 5_000;
    this.log = options.log ?? (() => {});
  }

  get stats(): PublishQueueStats {
    return { published: this.published, dropped: this.dropped, queued: this.queue.length };
  }

  /** Queues messages; returns how many were accepted (the rest are counted as dropped). */
  offer(messages: OutboundMessage[]): number {
    if (this.closing) {
      this.dropped += messages.length;
      return 0;
    }
    const room = Math.max(0, this.maxQueued - this.queue.length);
    const accepted = Math.min(room, messages.length);
    for (let i = 0; i < accepted; i++) this.queue.push(messages[i]!);
    this.dropped += messages.length - accepted;
    if (accepted > 0 && !this.draining) {
      this.draining = true;
      this.pump = this.drain();
    }
    return accepted;
  }

  /**
   * Stops accepting, then waits up to `graceMs` for the queue to empty. What is still queued then
   * is counted as dropped. Does not close the publisher (its owner does).
   */
  async close(graceMs: number): Promise<PublishQueueStats> {
    this.closing = true;
    if (this.pump) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.pump,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    this.abandoned = true;
    this.cancelSleep?.();
    this.dropped += this.queue.length;
    this.queue.length = 0;
    return this.stats;
  }

  /** How many queued messages the next batch takes: `batchSize`, fewer when bytes run out. */
  private batchEnd(): number {
    const most = Math.min(this.batchSize, this.queue.length);
    const budget = this.options.maxBatchBytes;
    if (budget === undefined) return most;
    let bytes = 0;
    for (let i = 0; i < most; i++) {
      bytes += this.queue[i]!.value.byteLength;
      if (bytes > budget) return Math.max(1, i);
    }
    return most;
  }

  private async drain(): Promise<void> {
    let failures = 0;
    try {
      while (this.queue.length > 0 && !this.abandoned) {
        const batch = this.queue.slice(0, this.batchEnd());
        try {
          await this.publisher.publish(batch);
          // close() gave up meanwhile and counted this batch as dropped; the transport's late ack
          // does not change what was reported.
          if (this.abandoned) return;
          this.queue.splice(0, batch.length);
          this.published += batch.length;
          if (failures > 0) this.log(`publish recovered after ${failures} failed attempt(s)`);
          failures = 0;
          this.options.onPublished?.(batch.length);
        } catch (error) {
          if (this.abandoned) return;
          const retriable = error instanceof ShadowdiffError ? error.retriable : false;
          if (failures === 0 || !retriable) {
            this.log(
              `publish failed${retriable ? ', retrying' : ', dropping the batch'}: ${(error as Error).message}`,
            );
          }
          if (!retriable) {
            this.queue.splice(0, batch.length);
            this.dropped += batch.length;
            continue;
          }
          failures++;
          await this.sleep(
            Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(failures - 1, 16)),
          );
        }
      }
    } finally {
      // Runs in the same microtask as the loop's last check: no offer can slip in between.
      this.draining = false;
    }
  }

  /** A backoff wait that close() can cut short, so a closed queue leaves no timer behind. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.cancelSleep = done;
    });
  }
}
