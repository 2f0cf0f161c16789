import { describe, expect, it } from 'vitest';
import { RecordQueue, batchMessages } from './record-queue.js';

const record = (n: number, size: number): Buffer => Buffer.alloc(size, n % 256);

describe('RecordQueue', () => {
  it('keeps records in order across segments, one larger than a segment included', () => {
    const q = new RecordQueue();
    const sizes = [100, 300_000, 300_000, 2_000_000, 10, 0];
    sizes.forEach((size, i) => q.push(i === 4 ? null : `k${i}`, record(i, size)));
    expect(q.length).toBe(sizes.length);
    expect(sizes.map((_, i) => q.sizeAt(i))).toEqual(sizes);
    const messages = batchMessages('t', q.take(sizes.length), true);
    expect(q.length).toBe(0);
    messages.forEach((m, i) => {
      expect(m.topic).toBe('t');
      expect(m.key).toBe(i === 4 ? null : `k${i}`);
      expect(Buffer.from(m.value).equals(record(i, sizes[i] as number))).toBe(true);
    });
  });

  it('copies the caller’s bytes when queued, and puts a taken batch back in front', () => {
    const q = new RecordQueue();
    const first = record(1, 10);
    q.push('a', first);
    q.push('b', record(2, 10));
    q.push('c', record(3, 10));
    first.fill(9); // the caller reuses its buffer: the queued record must not change
    const batch = q.take(2);
    q.push('d', record(4, 10));
    q.putBack(batch);
    const all = batchMessages('t', q.take(q.length), true);
    expect(all.map((m) => m.key)).toEqual(['a', 'b', 'c', 'd']);
    expect(Buffer.from(all[0]?.value ?? []).equals(record(1, 10))).toBe(true);
  });

  it('hands views only to publishers that copy; others get bytes of their own', () => {
    const q = new RecordQueue();
    q.push('a', record(1, 10));
    q.push('b', record(2, 10));
    const batch = q.take(2);
    const [v1, v2] = batchMessages('t', batch, true).map((m) => m.value);
    // Views share the segment...
    expect(v1?.buffer).toBe(v2?.buffer);
    const [c1, c2] = batchMessages('t', batch, false).map((m) => m.value);
    // ...copies do not: keeping one pins no segment.
    expect(c1?.buffer).not.toBe(v1?.buffer);
    expect(c2?.buffer).not.toBe(v2?.buffer);
    expect(Buffer.from(c2 ?? []).equals(record(2, 10))).toBe(true);
  });
});
