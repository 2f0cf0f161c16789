import { fixKafkajsIdleLoop } from './idle-loop.js';
import { fixKafkajsReadCommitted } from './read-committed.js';
import { useFastProduceEncoder } from './fast-produce.js';

export { fixKafkajsIdleLoop } from './idle-loop.js';
export { fixKafkajsReadCommitted, hideAbortedRecords } from './read-committed.js';
export { crc32c } from './crc32c.js';
export { batchBufferSize, encodeProduceRequest, useFastProduceEncoder } from './fast-produce.js';
export type { ProduceRequestArgs } from './fast-produce.js';
export type { AbortedTransaction, FetchedPartition, FetchedRecord } from './read-committed.js';

/** Applies every fix (each once per process). Call before creating kafkajs clients. */
export function applyKafkajsFixes(): void {
  fixKafkajsIdleLoop();
  fixKafkajsReadCommitted();
  useFastProduceEncoder();
}
