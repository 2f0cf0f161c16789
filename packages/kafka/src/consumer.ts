import type { RecordSource, SourceMessage } from '@shadowdiff/engine';
import { Kafka, logLevel as LogLevel } from 'kafkajs';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { toSourceMessage } from './consumer-message.js';
import type { KafkaRecordSourceOptions } from './consumer-options.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A kafkajs consumer-group member as a `RecordSource`. At-least-once: a partition batch's offsets
 * are resolved and committed only after the handler resolved. A failing handler (Redis down, broker
 * slow) is retried on the same batch with backoff while heartbeats keep the membership alive, so
 * the worker stalls instead of skipping or crashing. On rebalance or stop an unfinished batch is
 * left unresolved: its new owner gets it again, which the handler's idempotence makes harmless.
 */
export class KafkaRecordSource implements RecordSource {
  private readonly options: KafkaRecordSourceOptions;
  private readonly consumer: Consumer;
  private running = false;
  private stopped = false;

  constructor(options: KafkaRecordSourceOptions) {
    this.options = options;
    const kafka = new Kafka({
      brokers: options.brokers,
      clientId: options.clientId ?? 'shadowdiff-consumer',
      logLevel: options.logLevel ?? LogLevel.NOTHING,
    });
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 100,
      // Keep restarting after transient failures (broker restarts, coordinator moves).
      retry: { restartOnFailure: () => Promise.resolve(true) },
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      options.onError?.(event.payload.error, {});
    });
  }

  /**
   * Joins the group and starts consuming; resolves once the consumer is running. While the broker
   * is unreachable it keeps trying (reporting each failure through `onError`) until it connects or
   * `stop` is called, so a worker started before Kafka waits instead of exiting.
   */
  async run(handle: (batch: SourceMessage[]) => Promise<void>): Promise<void> {
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
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.eachBatch(payload, handle),
    });
  }

  private async eachBatch(
    payload: EachBatchPayload,
    handle: (batch: SourceMessage[]) => Promise<void>,
  ): Promise<void> {
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
    try {
      let delay = this.options.retryInitialMs ?? 100;
      for (let attempt = 1; ; attempt++) {
        try {
          await handle(messages);
          break;
        } catch (error) {
          this.options.onError?.(error, {
            topic: batch.topic,
            partition: batch.partition,
            attempt,
          });
          // Stopping, seeking or rebalancing: leave the batch unresolved for whoever reads it next.
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
    await payload.commitOffsetsIfNecessary();
    // Surfaces a rebalance seen during the batch, so kafkajs rejoins before the next fetch.
    await payload.heartbeat();
  }

  /** Finishes the batch in hand, commits, leaves the group and disconnects. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect();
  }
}
