import type { logLevel } from 'kafkajs';

export interface KafkaRecordSourceOptions {
  /** Bootstrap brokers, e.g. `['127.0.0.1:19092']`. */
  brokers: string[];
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
  /** Longest the broker holds a fetch open when no data is waiting, ms. Default 100. */
  maxWaitTimeMs?: number;
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
  /** kafkajs log level. Default NOTHING (the adapter reports through `onError`). */
  logLevel?: logLevel;
}
