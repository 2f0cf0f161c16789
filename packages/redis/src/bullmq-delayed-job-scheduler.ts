import type { OrphanScheduler } from '@shadowdiff/engine';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX, keys } from './keys.js';
import { MicroBatcher } from './micro-batcher.js';
import { storeCall } from './store-error.js';

export interface BullmqDelayedJobSchedulerOptions {
  /**
   * Connection for the queue and the worker (the caller owns and closes it). BullMQ requires
   * `maxRetriesPerRequest: null`; the worker duplicates it for its blocking reads.
   */
  connection: Redis;
  /** Every key starts with this; BullMQ's prefix is `<keyPrefix>bull`. Default `shadowdiff:`. */
  keyPrefix?: string;
  /** BullMQ queue name. Default `orphans`. */
  queueName?: string;
  /** Jobs processed at once per worker; their trace ids are batched into `onDue` calls. Default 256. */
  concurrency?: number;
  /** Most trace ids per `onDue` call. Default 256. */
  batchSize?: number;
  /** How long the first job of a batch waits for company. Default 2 ms. */
  batchWaitMs?: number;
  /** Delay before a job whose `onDue` rejected runs again (fixed back-off). Default 1000 ms. */
  retryDelayMs?: number;
  /** Attempts per job before BullMQ parks it as failed (kept 24 h for inspection). Default 50. */
  attempts?: number;
  /** Called with worker and queue errors (e.g. while Redis restarts). Default: none. */
  onError?: (error: unknown) => void;
}

interface OrphanJob {
  t: string;
}

/**
 * Orphan timeouts as one BullMQ delayed job per trace id (job id = trace id, so scheduling twice
 * is a no-op). Simple and observable in any BullMQ UI, but every trace costs its own job: an add,
 * a promotion, a fetch and a completion, paired or not (the job of a paired trace fires and finds
 * it `gone`). See the README for what that costs against the swept scheme.
 */
export class BullmqDelayedJobScheduler implements OrphanScheduler {
  readonly #options: Required<Omit<BullmqDelayedJobSchedulerOptions, 'onError'>> &
    Pick<BullmqDelayedJobSchedulerOptions, 'onError'>;
  readonly #queue: Queue<OrphanJob>;
  #worker: Worker<OrphanJob> | null = null;

  constructor(options: BullmqDelayedJobSchedulerOptions) {
    this.#options = {
      keyPrefix: DEFAULT_KEY_PREFIX,
      queueName: 'orphans',
      concurrency: 256,
      batchSize: 256,
      batchWaitMs: 2,
      retryDelayMs: 1_000,
      attempts: 50,
      ...options,
    };
    this.#queue = new Queue<OrphanJob>(this.#options.queueName, {
      connection: options.connection,
      prefix: keys.bullmq(this.#options.keyPrefix),
    });
    this.#queue.on('error', (error) => this.#options.onError?.(error));
  }

  /** The BullMQ queue (for inspection and tests). */
  get queue(): Queue<OrphanJob> {
    return this.#queue;
  }

  async schedule(entries: readonly { traceId: string; dueAt: number }[]): Promise<void> {
    if (entries.length === 0) return;
    const { retryDelayMs, attempts } = this.#options;
    await storeCall('schedule', async () => {
      // Delay from now: BullMQ stamps the job a moment later, so it can only fire late, never early.
      const now = Date.now();
      await this.#queue.addBulk(
        entries.map(({ traceId, dueAt }) => ({
          name: 'orphan',
          data: { t: traceId },
          opts: {
            jobId: jobIdOf(traceId),
            delay: Math.max(Math.ceil(dueAt - now), 0),
            attempts,
            backoff: { type: 'fixed', delay: retryDelayMs },
            removeOnComplete: true,
            removeOnFail: { age: 24 * 3600 },
          },
        })),
      );
    });
  }

  async start(onDue: (traceIds: string[]) => Promise<void>): Promise<void> {
    if (this.#worker !== null) throw new Error('BullmqDelayedJobScheduler is already started');
    const { concurrency, batchSize, batchWaitMs, queueName, keyPrefix } = this.#options;
    const batcher = new MicroBatcher(onDue, batchSize, batchWaitMs);
    const worker = new Worker<OrphanJob>(queueName, (job) => batcher.add(job.data.t), {
      connection: this.#options.connection,
      prefix: keys.bullmq(keyPrefix),
      concurrency,
      // A worker killed mid-batch leaves its jobs stalled; they must run again, not fail.
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
    await worker?.close();
  }

  /** Stops and closes the queue (the connection stays the caller's). */
  async close(): Promise<void> {
    await this.stop();
    await this.#queue.close();
  }
}

/**
 * BullMQ rejects custom job ids that look like integers or contain ':'; such trace ids (an
 * `x-request-id` can be anything) are base64url-encoded behind a `~`, which no hex id starts with.
 */
export function jobIdOf(traceId: string): string {
  const unsafe = traceId.includes(':') || `${parseInt(traceId, 10)}` === traceId;
  return unsafe || traceId.startsWith('~')
    ? `~${Buffer.from(traceId).toString('base64url')}`
    : traceId;
}
