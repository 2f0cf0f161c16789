import { ShadowdiffError } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import { RecordQueue, batchMessages } from './record-queue.js';
import type { RecordBytes } from './record-queue.js';
import { RateLimitedCounterLog } from './rate-limited-log.js';
import type { DropReason, TapMetrics } from './tap-metrics.js';

export interface RecordBufferOptions {
  publisher: RecordPublisher;
  topic: string;
  /** Records held (queued plus in flight); beyond it new records are dropped. */
  maxRecords: number;
  /** Encoded bytes held (queued plus in flight); beyond it new records are dropped. */
  maxBytes: number;
  /** Wait this long after the first record of an idle spell before sending, to batch. */
  lingerMs: number;
  /** Most records per publish call. */
  maxBatchRecords: number;
  /** Most encoded bytes per publish call (a larger record goes alone); see `limitBatchBytes`. */
  maxBatchBytes: number;
  metrics: Pick<TapMetrics, 'published' | 'dropped'>;
  log: (line: string) => void;
  /** Drop/failure summaries at most this often. Default 10000 ms. */
  logIntervalMs?: number;
  /** Backoff after a failed publish, doubling up to the max. Default 100 / 5000 ms. */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export interface BufferStats {
  records: number;
  bytes: number;
  /** Epoch ms of the last acked publish. */
  lastPublishedAt: number | undefined;
  lastError: string | undefined;
}

/** Retriable publish failures in a row that are not logged (the retry usually mends them). */
const QUIET_FAILURES = 3;

/**
 * The bounded in-memory queue between the proxy and the publisher. `offer` is synchronous and O(1):
 * the request path never waits for Kafka. One publish is in flight at a time (the idempotent
 * producer's ordering needs it, and records pile into the next batch meanwhile). A failed batch that
 * may succeed later is put back at the front and retried with backoff; the budget counts in-flight
 * records, so retrying never grows memory past it. What does not fit is dropped and counted.
 */
export class RecordBuffer {
  private queue = new RecordQueue();
  private bytes = 0;
  /** When the oldest queued record arrived (the queue went from empty to non-empty). */
  private queuedSince = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The armed timer sends without lingering. */
  private armedNow = false;
  private sending: Promise<void> | undefined;
  private backoffMs = 0;
  private failuresInARow = 0;
  private closed = false;
  private lastPublishedAt: number | undefined;
  private lastError: string | undefined;
  private readonly drops: RateLimitedCounterLog<DropReason | 'publish_error'>;

  private maxBatchBytes: number;

  constructor(private readonly options: RecordBufferOptions) {
    this.maxBatchBytes = options.maxBatchBytes;
    this.drops = new RateLimitedCounterLog(
      options.log,
      (counts, since) => {
        // Records lost and publish attempts that failed are different units: kept apart.
        const dropped = [...counts].filter(([reason]) => reason !== 'publish_error');
        const failed = counts.get('publish_error');
        const parts = [
          ...(dropped.length > 0
            ? [`records dropped: ${dropped.map(([r, n]) => `${r}: ${n}`).join(', ')}`]
            : []),
          ...(failed !== undefined ? [`failed publish attempts: ${failed}`] : []),
        ];
        return (
          `tap: record delivery trouble` +
          (since > 0 ? ` in the last ${Math.round(since / 1000)} s` : '') +
          ` (${parts.join('; ')}); buffer ${this.queue.length} records / ${this.bytes} bytes` +
          (this.lastError ? `; last error: ${this.lastError}` : '')
        );
      },
      options.logIntervalMs ?? 10_000,
    );
  }

  /**
   * Keeps every batch within `bytes` (the broker's per-batch limit, learned after start-up), so a
   * batch of records that each fit never fails as a whole.
   */
  limitBatchBytes(bytes: number): void {
    this.maxBatchBytes = Math.min(this.maxBatchBytes, bytes);
  }

  /** Queues one message; false when it was dropped (budget full or buffer closed). */
  offer(key: string, value: RecordBytes): boolean {
    const o = this.options;
    if (this.closed) return this.drop('shutdown', 1);
    if (this.queue.length >= o.maxRecords || this.bytes + value.byteLength > o.maxBytes) {
      return this.drop('buffer_full', 1);
    }
    if (this.queue.length === 0) this.queuedSince = Date.now();
    this.queue.push(key, value);
    this.bytes += value.byteLength;
    if (this.sending === undefined) {
      // A batch that fills up while lingering goes at once; otherwise the linger starts here.
      if (this.full()) {
        if (!this.armedNow) {
          if (this.timer !== undefined) clearTimeout(this.timer);
          this.arm(0);
        }
      } else if (this.timer === undefined) {
        this.arm(o.lingerMs);
      }
    }
    return true;
  }

  stats(): BufferStats {
    return {
      records: this.queue.length,
      bytes: this.bytes,
      lastPublishedAt: this.lastPublishedAt,
      lastError: this.lastError,
    };
  }

  /**
   * Stops taking records and publishes what is held until `deadline` (epoch ms); what is still
   * held then is dropped with reason `shutdown`.
   */
  async close(deadline: number): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.sending !== undefined) {
      if (Date.now() >= deadline) break;
      if (this.sending === undefined) {
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = undefined;
        this.send();
      }
      const remaining = Math.max(0, deadline - Date.now());
      await Promise.race([this.sending, sleep(Math.min(remaining, 50))]);
      // After a failure, pause like the backoff would, without passing the deadline.
      if (this.backoffMs > 0 && this.queue.length > 0) {
        await sleep(Math.min(this.backoffMs, Math.max(0, deadline - Date.now())));
      }
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length > 0) {
      const left = this.queue.length;
      this.queue.clear();
      this.bytes = 0;
      this.drop('shutdown', left);
    }
    this.drops.flush();
  }

  private drop(reason: DropReason, count: number): false {
    this.options.metrics.dropped(reason, count);
    this.drops.note(reason, count);
    return false;
  }

  private arm(delayMs: number): void {
    this.armedNow = delayMs === 0;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Fired: no send is armed any more. Left true, the next full batch (`offer`) would find
      // "already armed", arm nothing, and wait for a record that may never come.
      this.armedNow = false;
      this.send();
    }, delayMs);
  }

  private send(): void {
    if (this.queue.length === 0 || this.sending !== undefined) return;
    const o = this.options;
    let take = 0;
    let batchBytes = 0;
    while (take < this.queue.length && take < o.maxBatchRecords) {
      const size = this.queue.sizeAt(take);
      if (take > 0 && batchBytes + size > this.maxBatchBytes) break;
      batchBytes += size;
      take++;
    }
    const batch = this.queue.take(take);
    this.queuedSince = Date.now();
    this.sending = publishSafely(
      o.publisher,
      batchMessages(o.topic, batch, o.publisher.copiesValues === true),
    ).then(
      () => {
        this.bytes -= batchBytes;
        this.backoffMs = 0;
        this.failuresInARow = 0;
        this.lastPublishedAt = Date.now();
        o.metrics.published(take);
        this.sent(0);
      },
      (error: unknown) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        const retriable = !(error instanceof ShadowdiffError) || error.retriable;
        if (retriable) {
          this.queue.putBack(batch);
          this.queuedSince = 0;
          // One or two failures that a retry mends (the first batch beating the broker
          // connection at start-up) are not trouble; from the third in a row they are, all counted.
          this.failuresInARow += 1;
          if (this.failuresInARow >= QUIET_FAILURES) {
            this.drops.note(
              'publish_error',
              this.failuresInARow === QUIET_FAILURES ? QUIET_FAILURES : 1,
            );
          }
        } else {
          this.failuresInARow = 0;
          this.drops.note('publish_error', 1);
          this.bytes -= batchBytes;
          this.drop('publish_failed', take);
        }
        this.backoffMs = Math.min(
          o.retryMaxMs ?? 5_000,
          this.backoffMs === 0 ? (o.retryInitialMs ?? 100) : this.backoffMs * 2,
        );
        this.sent(this.backoffMs);
      },
    );
  }

  private sent(backoffMs: number): void {
    this.sending = undefined;
    if (this.queue.length === 0 || this.closed || this.timer !== undefined) return;
    if (backoffMs > 0) return this.arm(backoffMs);
    // Under steady load acks come back quickly; sending whatever arrived meanwhile would shrink
    // batches to a few records, and a send's fixed cost dwarfs a record's. So the linger still
    // applies, counted from the oldest waiting record, unless a full batch is ready.
    this.arm(this.full() ? 0 : Math.max(0, this.queuedSince + this.options.lingerMs - Date.now()));
  }

  /** A whole batch is waiting: it goes without lingering (asked only when none is in flight). */
  private full(): boolean {
    const o = this.options;
    return this.queue.length >= o.maxBatchRecords || this.bytes >= this.maxBatchBytes;
  }
}

/** A publisher that throws instead of rejecting fails the batch, not the timer that sent it. */
function publishSafely(publisher: RecordPublisher, messages: OutboundMessage[]): Promise<void> {
  try {
    return publisher.publish(messages);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
