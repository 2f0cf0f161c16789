import type { TapRecord } from '@shadowdiff/contracts';
import type { RecordPublisher } from '@shadowdiff/engine';
import { PublishQueue } from '../publish/publish-queue.js';
import type { PublishQueueStats } from '../publish/publish-queue.js';
import { toOutbound } from '../publish/to-outbound.js';

export interface PublishRecordsOptions {
  /** Records acknowledged so far, after each batch. */
  onProgress?: (done: number) => void;
  log?: (line: string) => void;
  /** How long a transport that keeps failing is retried before the rest count as not published. Default 60000 ms. */
  timeoutMs?: number;
  /** Default 500. */
  batchSize?: number;
  /** Largest record and batch, bytes (the config's `kafka.maxMessageBytes`). Default: no bound. */
  maxRecordBytes?: number;
}

/** Publishes a finite set of records in order, in batches, with retries; reports progress. */
export async function publishRecords(
  records: TapRecord[],
  publisher: RecordPublisher,
  topic: string,
  options: PublishRecordsOptions = {},
): Promise<PublishQueueStats> {
  let done = 0;
  const queue = new PublishQueue(publisher, {
    maxQueued: Math.max(1, records.length),
    batchSize: options.batchSize ?? 500,
    onPublished: (n) => options.onProgress?.((done += n)),
    ...(options.log ? { log: options.log } : {}),
    ...(options.maxRecordBytes !== undefined ? { maxBatchBytes: options.maxRecordBytes } : {}),
  });
  queue.offer(records.map((r) => toOutbound(r, topic, options.maxRecordBytes)));
  return queue.close(options.timeoutMs ?? 60_000);
}
