import type { OrphanScheduler } from '@shadowdiff/engine';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX, keys } from './keys.js';
import { defineScripts, runScript } from './scripts.js';
import { storeCall } from './store-error.js';

export interface BullmqSweptSchedulerOptions {
  /**
   * Connection for the queue, the worker and the index scripts (the caller owns and closes it).
   * BullMQ requires `maxRetriesPerRequest: null`.
   */
  connection: Redis;
  /** Every key starts with this; BullMQ's prefix is `<keyPrefix>bull`. Default `shadowdiff:`. */
  keyPrefix?: string;
  /** BullMQ queue the repeatable sweep job lives on. Default `orphan-sweeps`. */
  queueName?: string;
  /**
   * The deadline index (ZSET). Default `<keyPrefix>orphans:due`, the key a `RedisPendingStore`
   * with `deadlineIndexKey` writes.
   */
  indexKey?: string;
  /**
   * True when the pending store writes the index in its offer script: `schedule` then does
   * nothing (the deadline is already indexed, atomically with the half). Default false.
   */
  indexedByStore?: boolean;
  /** How often the repeatable sweep job runs (the worst extra orphan delay). Default 500 ms. */
  sweepEveryMs?: number;
  /** Most trace ids leased and handed to one `onDue` call. Default 1000. */
  batchSize?: number;
  /**
   * How long a sweeper owns the ids it leased; if it dies, they fall due again after this.
   * Must exceed the longest `onDue`. Default 30 000 ms.
   */
  leaseMs?: number;
  /** Delay before ids whose `onDue` rejected fall due again. Default 1000 ms. */
  retryDelayMs?: number;
  /** Longest a single sweep job keeps draining before it yields to the next tick. Default 10 s. */
  maxSweepMs?: number;
  /** Called with worker, queue and sweep errors (the work is retried). Default: none. */
  onError?: (error: unknown) => void;
}

const SWEEP_SCHEDULER_ID = 'orphan-sweep';

/**
 * Orphan timeouts as a deadline index (a ZSET of trace id → deadline ms) swept by a repeatable
 * BullMQ job: whichever fleet member picks up a tick leases the due ids in batches (their score
 * moves to now + lease), calls `onDue`, then removes them. A paired trace leaves the index inside
 * the store's offer script, so it costs nothing here; a sweeper that dies lets its lease lapse and
 * the ids fall due again (at-least-once).
 */
export class BullmqSweptScheduler implements OrphanScheduler {
  readonly #options: Required<Omit<BullmqSweptSchedulerOptions, 'onError'>> &
    Pick<BullmqSweptSchedulerOptions, 'onError'>;
  readonly #queue: Queue;
  #worker: Worker | null = null;

  constructor(options: BullmqSweptSchedulerOptions) {
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.#options = {
      keyPrefix,
      queueName: 'orphan-sweeps',
      indexKey: keys.deadlines(keyPrefix),
      indexedByStore: false,
      sweepEveryMs: 500,
      batchSize: 1_000,
      leaseMs: 30_000,
      retryDelayMs: 1_000,
      maxSweepMs: 10_000,
      ...options,
    };
    defineScripts(options.connection);
    this.#queue = new Queue(this.#options.queueName, {
      connection: options.connection,
      prefix: keys.bullmq(keyPrefix),
    });
    this.#queue.on('error', (error) => this.#options.onError?.(error));
  }

  /** The deadline index key. */
  get indexKey(): string {
    return this.#options.indexKey;
  }

  async schedule(entries: readonly { traceId: string; dueAt: number }[]): Promise<void> {
    if (this.#options.indexedByStore || entries.length === 0) return;
    const args: (string | number)[] = [];
    for (const { traceId, dueAt } of entries) args.push(Math.round(dueAt), traceId);
    // NX: scheduling again never moves a deadline, nor un-leases an id being swept.
    await storeCall('schedule', () =>
      this.#options.connection.zadd(this.#options.indexKey, 'NX', ...args),
    );
  }

  async start(onDue: (traceIds: string[]) => Promise<void>): Promise<void> {
    if (this.#worker !== null) throw new Error('BullmqSweptScheduler is already started');
    const { connection, queueName, keyPrefix } = this.#options;
    await this.#upsertTick();
    // A Redis that came back empty (restarted without persistence) lost the repeatable job too:
    // re-assert it on every reconnect (idempotent), or nobody would ever sweep again.
    connection.on('ready', this.#onReady);
    const worker = new Worker(queueName, () => this.#sweep(onDue), {
      connection,
      prefix: keys.bullmq(keyPrefix),
      concurrency: 1,
      maxStalledCount: 1_000,
    });
    worker.on('error', (error) => this.#options.onError?.(error));
    worker.on('failed', (_job, error) => this.#options.onError?.(error));
    this.#worker = worker;
    await storeCall('start', () => worker.waitUntilReady().then(() => undefined));
  }

  async stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    this.#options.connection.off('ready', this.#onReady);
    await worker?.close();
  }

  /** Stops and closes the queue; the repeatable job stays for the rest of the fleet. */
  async close(): Promise<void> {
    await this.stop();
    await this.#queue.close();
  }

  /** Ids due now, without leasing them (for diagnostics and tests). */
  async due(now = Date.now()): Promise<number> {
    return this.#options.connection.zcount(this.#options.indexKey, '-inf', now);
  }

  readonly #onReady = (): void => {
    this.#upsertTick().catch((error: unknown) => this.#options.onError?.(error));
  };

  #upsertTick(): Promise<unknown> {
    return storeCall('start', () =>
      this.#queue.upsertJobScheduler(
        SWEEP_SCHEDULER_ID,
        { every: this.#options.sweepEveryMs },
        { name: 'sweep', opts: { removeOnComplete: true, removeOnFail: true } },
      ),
    );
  }

  /** One tick: lease and hand out due ids, batch after batch, until none is due or time is up. */
  async #sweep(onDue: (traceIds: string[]) => Promise<void>): Promise<void> {
    const { connection, indexKey, batchSize, leaseMs, retryDelayMs, maxSweepMs } = this.#options;
    const started = Date.now();
    while (this.#worker !== null && Date.now() - started < maxSweepMs) {
      const now = Date.now();
      const lease = now + leaseMs;
      const ids = (await storeCall('sweep', () =>
        runScript(connection, 'sdLeaseDueV1', [indexKey], [now, batchSize, lease]),
      )) as Buffer[];
      if (ids.length === 0) return;
      const traceIds = ids.map(String);
      try {
        await onDue(traceIds);
      } catch (error) {
        this.#options.onError?.(error);
        await this.#settle(traceIds, lease, String(Date.now() + retryDelayMs));
        return;
      }
      await this.#settle(traceIds, lease, '');
      if (ids.length < batchSize) return;
    }
  }

  #settle(traceIds: string[], lease: number, retryAt: string): Promise<unknown> {
    const { connection, indexKey } = this.#options;
    return storeCall('sweep', () =>
      runScript(connection, 'sdSettleLeaseV1', [indexKey], [lease, retryAt, ...traceIds]),
    );
  }
}
