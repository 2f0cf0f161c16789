import { AsyncLocalStorage } from 'node:async_hooks';
import type { RecordPublisher } from '@shadowdiff/engine';
import type { Kafka, Producer, Transaction } from 'kafkajs';
import { toTopicMessages } from './topic-messages.js';
import { javaCompatiblePartitioner } from './partitioner.js';

/** The transaction a partition batch runs in, and what must wait for its commit. */
export interface BatchScope {
  readonly txn: Transaction;
  readonly afterCommit: (() => Promise<void>)[];
  /** False once committed or aborted: a timer that inherited the scope must not write into it. */
  open: boolean;
}

/** The batch being handled, as seen from anywhere in the handler's async chain. */
export const batchScope = new AsyncLocalStorage<BatchScope>();

/**
 * One transactional producer per input partition, with transactional id
 * `<prefix>-<topic>-<partition>`: when a partition moves to another member (rebalance, or a member
 * killed), the new owner's producer takes the same id, which fences the old one and aborts the
 * transaction it left open — the classic Kafka exactly-once consume-process-produce set-up.
 */
export class TransactionalProducers {
  private readonly producers = new Map<string, Promise<Producer>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly idPrefix: string,
    private readonly transactionTimeoutMs: number,
  ) {}

  get(topic: string, partition: number): Promise<Producer> {
    const key = `${topic}-${partition}`;
    let producer = this.producers.get(key);
    if (!producer) {
      const p = this.kafka.producer({
        transactionalId: `${this.idPrefix}-${key}`,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: javaCompatiblePartitioner,
        transactionTimeout: this.transactionTimeoutMs,
        // The coordinator answers CONCURRENT_TRANSACTIONS until the previous commit's markers are
        // written (a few ms); kafkajs's default 300 ms first retry would cap a partition at ~3 batches/s.
        retry: {
          initialRetryTime: 10,
          maxRetryTime: 1_000,
          retries: 15,
          factor: 0.2,
          multiplier: 1.5,
        },
      });
      producer = p.connect().then(() => p);
      producer.catch(() => this.producers.delete(key));
      this.producers.set(key, producer);
    }
    return producer;
  }

  /** Forgets (and disconnects) a partition's producer, e.g. after it was fenced. */
  async drop(topic: string, partition: number): Promise<void> {
    const key = `${topic}-${partition}`;
    const producer = this.producers.get(key);
    this.producers.delete(key);
    await producer?.then((p) => p.disconnect()).catch(() => {});
  }

  async closeAll(): Promise<void> {
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.all(all.map((p) => p.then((x) => x.disconnect()).catch(() => {})));
  }
}

/** A publisher that writes into the current batch's transaction, if any. */
export interface TransactionalPublisher extends RecordPublisher {
  /** True while called from a transactional batch handler (its writes commit with the offsets). */
  inTransaction(): boolean;
  /**
   * Runs `fn` once the current batch committed (offsets and writes together); returns false when
   * there is no transaction to wait for, and then does nothing.
   */
  afterCommit(fn: () => Promise<void>): boolean;
}

/**
 * Writes through the batch transaction when called from a transactional batch handler, else
 * through `fallback` (timers, orphan sweeps and anything else outside a batch). Closing closes the
 * fallback.
 */
export function transactionalPublisher(fallback: RecordPublisher): TransactionalPublisher {
  const current = () => {
    const scope = batchScope.getStore();
    return scope?.open ? scope : undefined;
  };
  return {
    inTransaction: () => current() !== undefined,
    afterCommit(fn) {
      const scope = current();
      if (!scope) return false;
      scope.afterCommit.push(fn);
      return true;
    },
    async publish(messages) {
      if (messages.length === 0) return;
      const scope = current();
      if (!scope) return fallback.publish(messages);
      await scope.txn.sendBatch({ topicMessages: toTopicMessages(messages), acks: -1 });
    },
    close: () => fallback.close(),
  };
}
