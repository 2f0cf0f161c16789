import { describe, expect, it } from 'vitest';
import { hideAbortedRecords } from './read-committed.js';
import type { FetchedPartition, FetchedRecord } from './read-committed.js';

const marker = (type: 0 | 1) => Buffer.from([0, 0, 0, type]);

/** A partition log: data records per producer and ABORT (0) / COMMIT (1) markers. */
function log(entries: [offset: number, producer: string, what: 'data' | 'abort' | 'commit'][]) {
  return entries.map(([offset, producerId, what]): FetchedRecord => ({
    offset: String(offset),
    key: what === 'data' ? Buffer.from(`k${offset}`) : marker(what === 'abort' ? 0 : 1),
    isControlRecord: what !== 'data',
    batchContext: { producerId, inTransaction: true },
  }));
}

const visible = (p: FetchedPartition) =>
  p.messages.filter((m) => m.isControlRecord !== true).map((m) => Number(m.offset));

describe('hideAbortedRecords', () => {
  it('hides interleaved aborted transactions listed in abort order, not start order', () => {
    // The kill -9 shape: 125, 126 and 124 open transactions in that order, a committed producer
    // (129) writes after them, and the successor aborts 124 first, then 125, then 126.
    const p: FetchedPartition = {
      abortedTransactions: [
        { producerId: '124', firstOffset: '20' },
        { producerId: '125', firstOffset: '0' },
        { producerId: '126', firstOffset: '10' },
      ],
      messages: log([
        [0, '125', 'data'],
        [1, '125', 'data'],
        [10, '126', 'data'],
        [20, '124', 'data'],
        [30, '129', 'data'],
        [31, '129', 'commit'],
        [40, '124', 'abort'],
        [41, '125', 'abort'],
        [42, '126', 'abort'],
        [50, '129', 'data'],
      ]),
    };
    expect(hideAbortedRecords(p)).toBe(4);
    expect(visible(p)).toEqual([30, 50]);
    expect(p.abortedTransactions).toEqual([]);
  });

  it('enters every aborted transaction that began before a fetch that starts mid-way', () => {
    const p: FetchedPartition = {
      abortedTransactions: [
        { producerId: 'a', firstOffset: '3' },
        { producerId: 'b', firstOffset: '5' },
      ],
      messages: log([
        [7, 'b', 'data'],
        [8, 'a', 'data'],
        [9, 'c', 'data'],
        [10, 'a', 'abort'],
        [11, 'b', 'abort'],
      ]),
    };
    expect(visible((hideAbortedRecords(p), p))).toEqual([9]);
  });

  it("keeps a producer's later committed transaction after its abort marker (fenced, then reused)", () => {
    const p: FetchedPartition = {
      abortedTransactions: [{ producerId: 'x', firstOffset: '0' }],
      messages: log([
        [0, 'x', 'data'],
        [1, 'x', 'abort'],
        [2, 'x', 'data'],
        [3, 'x', 'commit'],
      ]),
    };
    hideAbortedRecords(p);
    expect(visible(p)).toEqual([2]);
  });

  it('leaves non-transactional records and partitions without aborted transactions alone', () => {
    const plain: FetchedPartition = {
      abortedTransactions: [{ producerId: '7', firstOffset: '0' }],
      messages: [
        { offset: '0', key: null, batchContext: { producerId: '7', inTransaction: false } },
      ],
    };
    expect(hideAbortedRecords(plain)).toBe(0);
    const none: FetchedPartition = { abortedTransactions: [], messages: log([[0, '1', 'data']]) };
    expect(hideAbortedRecords(none)).toBe(0);
    expect(visible(none)).toEqual([0]);
  });
});
