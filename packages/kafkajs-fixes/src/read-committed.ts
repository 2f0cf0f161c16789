import { createRequire } from 'node:module';

/** The fields of a decoded kafkajs record this fix reads (and `isControlRecord`, which it sets). */
export interface FetchedRecord {
  offset: string;
  key: Buffer | null;
  isControlRecord?: boolean;
  batchContext?: { producerId: string; inTransaction: boolean };
}

export interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}

/** One partition of a decoded Fetch response (v4+), as kafkajs builds it. */
export interface FetchedPartition {
  abortedTransactions?: AbortedTransaction[];
  messages: FetchedRecord[];
}

/** Control record keys are `version:int16, type:int16`; type 0 is ABORT, 1 is COMMIT. */
function isAbortMarker(record: FetchedRecord): boolean {
  const key = record.key;
  return key !== null && key.length >= 4 && key.readInt16BE(2) === 0;
}

/**
 * Hides the records of aborted transactions the way the Java consumer does: the broker's aborted
 * list is put in `firstOffset` order (the broker sends it in marker order), every aborted
 * transaction that starts at or before a record is entered before that record is judged, and a
 * producer leaves the aborted set at its ABORT marker (so its later transactions, e.g. under a
 * bumped epoch after fencing, are judged afresh). Hidden records are flagged `isControlRecord`:
 * kafkajs then leaves them out of `batch.messages` but still counts their offsets, so the consumer
 * moves past them. Returns how many records it hid.
 */
export function hideAbortedRecords(partition: FetchedPartition): number {
  const aborted = partition.abortedTransactions ?? [];
  if (aborted.length === 0) return 0;
  const queue = aborted
    .map((t) => ({ producerId: t.producerId, firstOffset: BigInt(t.firstOffset) }))
    .sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<string>();
  let next = 0;
  let hidden = 0;
  for (const record of partition.messages) {
    const offset = BigInt(record.offset);
    while (next < queue.length && queue[next]!.firstOffset <= offset) {
      abortedProducers.add(queue[next]!.producerId);
      next++;
    }
    const ctx = record.batchContext;
    if (ctx === undefined || !ctx.inTransaction) continue;
    if (record.isControlRecord === true) {
      if (isAbortMarker(record)) abortedProducers.delete(ctx.producerId);
      continue;
    }
    if (abortedProducers.has(ctx.producerId)) {
      record.isControlRecord = true;
      hidden++;
    }
  }
  // kafkajs's own filter (which this replaces) has nothing left to do.
  partition.abortedTransactions = [];
  return hidden;
}

interface FetchResponseModule {
  decode: ((raw: Buffer) => Promise<unknown>) & { [PATCHED]?: true };
}

interface DecodedFetch {
  responses?: { partitions?: FetchedPartition[] }[];
}

const PATCHED = Symbol.for('shadowdiff.kafkajs.readCommittedFix');

/**
 * kafkajs 2.2.4 filters aborted transactions assuming the broker lists them by first offset and
 * that at most one starts per record. Kafka lists them in the order they were aborted, so when
 * transactions interleave in a partition (several transactional producers writing one topic, as
 * the worker's per-partition producers do) and abort out of start order — a worker killed with
 * transactions open, fenced later by its successor — a read_committed kafkajs consumer delivers
 * records of aborted transactions: the kill -9 test saw a second verdict for ~100 traces that the
 * broker had aborted (DumpLogSegments showed the ABORT markers). This wraps the Fetch v4–v11
 * response decoders so each partition goes through {@link hideAbortedRecords} first. Applied once
 * per process; harmless for topics without transactions (their aborted list is empty).
 */
export function fixKafkajsReadCommitted(): void {
  const require = createRequire(import.meta.url);
  for (let version = 4; version <= 11; version++) {
    let mod: FetchResponseModule;
    try {
      mod = require(
        `kafkajs/src/protocol/requests/fetch/v${version}/response.js`,
      ) as FetchResponseModule;
    } catch {
      continue; // a kafkajs without this version
    }
    const original = mod.decode;
    if (typeof original !== 'function' || original[PATCHED] === true) continue;
    const decode = async (raw: Buffer): Promise<unknown> => {
      const decoded = (await original(raw)) as DecodedFetch;
      for (const response of decoded.responses ?? []) {
        for (const partition of response.partitions ?? []) hideAbortedRecords(partition);
      }
      return decoded;
    };
    decode[PATCHED] = true as const;
    mod.decode = decode;
  }
}
