/** A message as delivered by a source (a Kafka partition, or the in-memory bus). */
export interface SourceMessage {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (int64). */
  offset: string;
  key: string | null;
  value: Uint8Array | null;
  /** Publish time, epoch ms (broker or producer timestamp). */
  timestamp: number;
  headers?: Record<string, string>;
}

/**
 * At-least-once delivery: a batch's offsets are committed only after `handle` resolves, so a crash
 * mid-batch redelivers it. Handlers must therefore be idempotent per message.
 */
export interface RecordSource {
  run(handle: (batch: SourceMessage[]) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}
