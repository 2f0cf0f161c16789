import type { RecordPublisher, RecordSource, SourceMessage } from '@shadowdiff/engine';
import { applyKafkajsFixes } from '@shadowdiff/kafkajs-fixes';
import { Kafka, logLevel as LogLevel } from 'kafkajs';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { toSourceMessage } from './consumer-message.js';
import type { KafkaRecordSourceOptions } from './consumer-options.js';
import {
  TransactionalProducers,
  batchScope,
  transactionalPublisher,
} from './consumer-transactions.js';
import type { BatchScope, TransactionalPublisher } from './consumer-transactions.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Handler = (batch: SourceMessage[]) => Promise<void>;

/** The broker fenced this producer: another member owns the partition's transactional id now. */
function fenced(error: unknown): boolean {
  const e = error as { type?: string; name?: string; message?: string };
  return (
    e?.type === 'INVALID_PRODUCER_EPOCH' ||
    e?.type === 'PRODUCER_FENCED' ||
    (e?.name === 'KafkaJSNonRetriableError' && /fenced|epoch/i.test(e.message ?? ''))
  );
}

/**
 * A kafkajs consumer-group member as a `RecordSource`. At-least-once: a partition batch's offsets
 * are committed only after the handler resolved. A failing handler (Redis down, broker slow) is
 * retried on the same batch with backoff while heartbeats keep the membership alive, so the worker
 * stalls instead of skipping or crashing. On rebalance or stop an unfinished batch is left
 * uncommitted: its new owner gets it again, which the handler's idempotence makes harmless.
 *
 * With `transactional`, each batch runs in a Kafka transaction: what the handler publishes through
 * {@link publisher} and the batch's offsets commit atomically, so a member killed mid-batch leaves
 * nothing visible to read-committed consumers and its successor redoes the batch.
 */
export class KafkaRecordSource implements RecordSource {
  private readonly options: KafkaRecordSourceOptions;
  private readonly consumer: Consumer;
  private readonly producers: TransactionalProducers | undefined;
  private running = false;
  private stopped = false;
  private readonly settling = new Set<Promise<void>>();

  constructor(options: KafkaRecordSourceOptions) {
    this.options = options;
    const clientId = options.clientId ?? 'shadowdiff-consumer';
    applyKafkajsFixes();
    const kafka = new Kafka({
      brokers: options.brokers,
      ...options.security,
      clientId,
      logLevel: options.logLevel ?? LogLevel.NOTHING,
    });
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 100,
      minBytes: options.minBytes ?? 1,
      // Keep restarting after transient failures (broker restarts, coordinator moves).
      retry: { restartOnFailure: () => Promise.resolve(true) },
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      options.onError?.(event.payload.error, {});
    });
    this.producers = options.transactional
      ? new TransactionalProducers(
          kafka,
          `${clientId}-${options.groupId}`,
          options.transactionTimeoutMs ?? 30_000,
        )
      : undefined;
  }

  /**
   * A publisher for the handler: inside a transactional batch it writes into the batch's
   * transaction (visible only if the batch commits); anywhere else, and when the source is not
   * transactional, it writes through `fallback`.
   */
  publisher(fallback: RecordPublisher): TransactionalPublisher {
    return transactionalPublisher(fallback);
  }

  /**
   * Joins the group and starts consuming; resolves once the consumer is running. While the broker
   * is unreachable it keeps trying (reporting each failure through `onError`) until it connects or
   * `stop` is called, so a worker started before Kafka waits instead of exiting.
   */
  async run(handle: Handler): Promise<void> {
    if (this.running) throw new Error('KafkaRecordSource.run called twice');
    this.running = true;
    let delay = this.options.retryInitialMs ?? 100;
    for (;;) {
      try {
        await this.consumer.connect();
        await this.consumer.subscribe({
          topics: this.options.topics,
          fromBeginning: this.options.fromBeginning ?? true,
        });
        break;
      } catch (error) {
        if (this.stopped) return;
        this.options.onError?.(error, {});
        await this.consumer.disconnect().catch(() => {});
        await sleep(delay);
        if (this.stopped) return;
        delay = Math.min(delay * 2, this.options.retryMaxMs ?? 5_000);
      }
    }
    // stop() raced the connect: never start consuming for a caller that already left.
    if (this.stopped) {
      await this.consumer.disconnect();
      return;
    }
    await this.consumer.run({
      // Transactional batches commit their offsets inside the transaction.
      autoCommit: this.producers === undefined,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.eachBatch(payload, handle),
    });
  }

  private async eachBatch(payload: EachBatchPayload, handle: Handler): Promise<void> {
    const { batch, isRunning, isStale } = payload;
    if (batch.messages.length === 0) return;
    const messages = batch.messages.map((m) => toSourceMessage(batch.topic, batch.partition, m));
    const last = batch.messages[batch.messages.length - 1]!.offset;
    let heartbeatError: unknown;
    const timer = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        heartbeatError = error;
      });
    }, this.options.heartbeatIntervalMs ?? 1_000);
    let afterCommit: BatchScope['afterCommit'] = [];
    try {
      let delay = this.options.retryInitialMs ?? 100;
      for (let attempt = 1; ; attempt++) {
        try {
          afterCommit = await this.attempt(batch.topic, batch.partition, last, messages, handle);
          break;
        } catch (error) {
          this.options.onError?.(error, {
            topic: batch.topic,
            partition: batch.partition,
            attempt,
          });
          if (fenced(error)) {
            // Someone else owns the partition now; its producer aborted our transaction.
            await this.producers?.drop(batch.topic, batch.partition);
            return;
          }
          // Stopping, seeking or rebalancing: leave the batch uncommitted for whoever reads it next.
          if (!isRunning() || isStale()) return;
          if (heartbeatError !== undefined) throw heartbeatError;
          await sleep(delay);
          delay = Math.min(delay * 2, this.options.retryMaxMs ?? 5_000);
        }
      }
    } finally {
      clearInterval(timer);
    }
    if (isStale()) return;
    payload.resolveOffset(last);
    if (this.producers === undefined) await payload.commitOffsetsIfNecessary();
    // Post-commit work (marking, metrics) is off the partition's critical path: the commit already
    // made the batch durable, and the next fetch waits for every batch of this one.
    for (const fn of afterCommit) {
      const p = fn()
        .catch((error: unknown) =>
          this.options.onError?.(error, { topic: batch.topic, partition: batch.partition }),
        )
        .finally(() => this.settling.delete(p));
      this.settling.add(p);
    }
    // Surfaces a rebalance seen during the batch, so kafkajs rejoins before the next fetch.
    await payload.heartbeat();
  }

  /** One try at a batch: plain, or inside a transaction that also commits its offsets. */
  private async attempt(
    topic: string,
    partition: number,
    last: string,
    messages: SourceMessage[],
    handle: Handler,
  ): Promise<BatchScope['afterCommit']> {
    if (this.producers === undefined) {
      await handle(messages);
      return [];
    }
    const producer = await this.producers.get(topic, partition);
    const scope: BatchScope = { txn: await producer.transaction(), afterCommit: [], open: true };
    try {
      await batchScope.run(scope, () => handle(messages));
      await scope.txn.sendOffsets({
        consumerGroupId: this.options.groupId,
        topics: [{ topic, partitions: [{ partition, offset: (BigInt(last) + 1n).toString() }] }],
      });
      await scope.txn.commit();
      scope.open = false;
      return scope.afterCommit;
    } catch (error) {
      scope.open = false;
      await scope.txn.abort().catch(() => {});
      throw error;
    }
  }

  /** Finishes the batch in hand, commits, leaves the group and disconnects. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect();
    await Promise.all([...this.settling]);
    await this.producers?.closeAll();
  }
}
