import { fixKafkajsIdleLoop } from './idle-loop.js';
import { fixKafkajsReadCommitted } from './read-committed.js';

export { fixKafkajsIdleLoop } from './idle-loop.js';
export { fixKafkajsReadCommitted, hideAbortedRecords } from './read-committed.js';
export type { AbortedTransaction, FetchedPartition, FetchedRecord } from './read-committed.js';

/** Applies every fix (each once per process). Call before creating kafkajs clients. */
export function applyKafkajsFixes(): void {
  fixKafkajsIdleLoop();
  fixKafkajsReadCommitted();
}
