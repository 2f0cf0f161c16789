import type { logLevel } from 'kafkajs';
import type { KafkaClientSecurity } from './publisher-options.js';

export interface KafkaRecordSourceOptions {
  /** Bootstrap brokers, e.g. `['127.0.0.1:19092']`. */
  brokers: string[];
  /** TLS / SASL towards the brokers. Default: plaintext, no authentication. */
  security?: KafkaClientSecurity;
  /** Consumer group; every fleet member uses the same one. */
  groupId: string;
  /** Topics to consume, e.g. `['shadowdiff.taps']`. */
  topics: string[];
  /** Client id. Default `shadowdiff-consumer`. */
  clientId?: string;
  /**
   * Where a group with no committed offset starts. Default `true` (earliest): taps published before
   * the fleet first started are still judged rather than silently skipped.
   */
  fromBeginning?: boolean;
  /**
   * Partition batches handled at once. Default 3: while one batch waits on Redis or the broker,
   * another is decoding and diffing, which is where a 2-core worker's throughput comes from.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Session timeout, ms. Default 10 000. A member killed with SIGKILL keeps its partitions this long
   * before the group moves them; the broker's floor is `group.min.session.timeout.ms` (6 000).
   */
  sessionTimeoutMs?: number;
  /** Heartbeat interval, ms, also while a long batch is being handled. Default 1 000. */
  heartbeatIntervalMs?: number;
  /** Largest fetch per partition, bytes. Default 1 MiB. */
  maxBytesPerPartition?: number;
  /** Longest the broker holds a fetch open waiting for `minBytes`, ms. Default 100. */
  maxWaitTimeMs?: number;
  /**
   * Bytes a fetch waits for (up to `maxWaitTimeMs`) before returning. Default 1 (return at once).
   * Larger values trade a few ms of latency for fewer, fuller batches: each batch costs store
   * round trips and, when transactional, a transaction.
   */
  minBytes?: number;
  /** First retry delay after a failed batch handler, ms; doubles up to `retryMaxMs`. Default 100. */
  retryInitialMs?: number;
  /** Cap on the retry delay, ms. Default 5 000. */
  retryMaxMs?: number;
  /**
   * Called when a batch handler failed (it is retried, the batch is never skipped) or the consumer
   * crashed. Default: ignore. Wire it to the service's log.
   */
  onError?: (
    error: unknown,
    context: { topic?: string; partition?: number; attempt?: number },
  ) => void;
  /**
   * Exactly-once output: every partition batch runs in a Kafka transaction of a producer owned by
   * that partition (transactional id `<clientId>-<groupId>-<topic>-<partition>`), and what the
   * handler publishes through `source.publisher(...)` commits together with the batch's offsets.
   * Needs a broker with transactions (a single broker: `transaction.state.log.replication.factor=1`).
   * Default false (offsets committed after the handler; publishes are the handler's own).
   */
  transactional?: boolean;
  /**
   * Transaction timeout, ms: the longest a transaction left open by a dead member (whose partitions
   * nobody took over) holds back read-committed consumers. Default 30 000.
   */
  transactionTimeoutMs?: number;
  /** kafkajs log level. Default NOTHING (the adapter reports through `onError`). */
  logLevel?: logLevel;
}
