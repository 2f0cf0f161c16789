import { ShadowdiffError } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import { describe, expect, it } from 'vitest';
import { RecordBuffer } from './record-buffer.js';
import type { RecordBufferOptions } from './record-buffer.js';
import type { DropReason } from './tap-metrics.js';

/** A publisher whose outcome each test steers: resolve, fail, or hang. */
class ScriptedPublisher implements RecordPublisher {
  batches: OutboundMessage[][] = [];
  failures: Error[] = [];
  hang = false;
  private hung: (() => void)[] = [];

  publish(messages: OutboundMessage[]): Promise<void> {
    this.batches.push(messages);
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    if (this.hang) return new Promise((resolve) => this.hung.push(resolve));
    return Promise.resolve();
  }

  release(): void {
    this.hang = false;
    for (const resolve of this.hung.splice(0)) resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(over: Partial<RecordBufferOptions> = {}) {
  const publisher = new ScriptedPublisher();
  const counts = { published: 0, dropped: {} as Partial<Record<DropReason, number>> };
  const lines: string[] = [];
  const buffer = new RecordBuffer({
    publisher,
    topic: 't',
    maxRecords: 100,
    maxBytes: 1_000_000,
    lingerMs: 5,
    maxBatchRecords: 50,
    maxBatchBytes: 1_000_000,
    metrics: {
      published: (n) => (counts.published += n),
      dropped: (reason, n) => (counts.dropped[reason] = (counts.dropped[reason] ?? 0) + n),
    },
    log: (line) => lines.push(line),
    retryInitialMs: 5,
    retryMaxMs: 20,
    ...over,
  });
  return { publisher, counts, lines, buffer };
}

const value = (n: number): Buffer => Buffer.alloc(n, 1);

describe('RecordBuffer', () => {
  it('batches what arrives within the linger into one publish, keyed and on the topic', async () => {
    const { publisher, counts, buffer } = setup({ lingerMs: 30 });
    for (let i = 0; i < 3; i++) expect(buffer.offer(`k${i}`, value(10))).toBe(true);
    await expect.poll(() => counts.published).toBe(3);
    expect(publisher.batches).toHaveLength(1);
    expect(publisher.batches[0]?.map((m) => [m.topic, m.key])).toEqual([
      ['t', 'k0'],
      ['t', 'k1'],
      ['t', 'k2'],
    ]);
    expect(buffer.stats()).toMatchObject({ records: 0, bytes: 0 });
  });

  it('splits at maxBatchRecords', async () => {
    const { publisher, counts, buffer } = setup({ maxBatchRecords: 2 });
    for (let i = 0; i < 5; i++) buffer.offer('k', value(1));
    await expect.poll(() => counts.published).toBe(5);
    expect(publisher.batches.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it('splits at maxBatchBytes without lingering, and sends a record larger than that alone', async () => {
    const { publisher, counts, buffer } = setup({ maxBatchBytes: 100, lingerMs: 10_000 });
    for (const n of [40, 40, 40, 250, 10]) buffer.offer('k', value(n));
    await expect.poll(() => counts.published).toBe(4);
    expect(publisher.batches.map((b) => b.map((m) => m.value.byteLength))).toEqual([
      [40, 40],
      [40],
      [250],
    ]);
    // The last 10 bytes are not a full batch: they linger.
    expect(buffer.stats().records).toBe(1);
  });

  it('drops and counts beyond the record budget while the publisher is stuck, and never blocks offer', async () => {
    const { publisher, counts, buffer } = setup({ maxRecords: 10 });
    publisher.hang = true;
    const accepted = Array.from({ length: 25 }, () => buffer.offer('k', value(10))).filter(
      Boolean,
    ).length;
    expect(accepted).toBe(10);
    expect(counts.dropped.buffer_full).toBe(15);
    publisher.release();
    await expect.poll(() => counts.published).toBe(10);
  });

  it('drops beyond the byte budget, counting in-flight bytes', async () => {
    const { publisher, counts, buffer } = setup({ maxBytes: 100 });
    publisher.hang = true;
    expect(buffer.offer('a', value(60))).toBe(true);
    await expect.poll(() => publisher.batches.length).toBe(1);
    expect(buffer.offer('b', value(60))).toBe(false);
    expect(buffer.offer('c', value(40))).toBe(true);
    expect(counts.dropped.buffer_full).toBe(1);
    publisher.release();
    await expect.poll(() => counts.published).toBe(2);
  });

  it('retries a retriable failure with the same records in the same order', async () => {
    const { publisher, counts, buffer } = setup();
    publisher.failures.push(
      new ShadowdiffError('ERR_TRANSPORT', 'down', { retriable: true }),
      new Error('blip'),
    );
    buffer.offer('a', value(1));
    buffer.offer('b', value(1));
    await expect.poll(() => counts.published).toBe(2);
    expect(publisher.batches).toHaveLength(3);
    expect(publisher.batches[2]?.map((m) => m.key)).toEqual(['a', 'b']);
    expect(buffer.stats().lastError).toBe('blip');
    expect(counts.dropped).toEqual({});
  });

  it('drops and counts a batch that failed for good', async () => {
    const { publisher, counts, buffer } = setup();
    publisher.failures.push(
      new ShadowdiffError('ERR_TRANSPORT', 'too large', { retriable: false }),
    );
    buffer.offer('a', value(1));
    buffer.offer('b', value(1));
    await expect.poll(() => counts.dropped.publish_failed).toBe(2);
    expect(buffer.stats()).toMatchObject({ records: 0, bytes: 0 });
  });

  it('close publishes what it holds, then refuses new records', async () => {
    const { counts, buffer } = setup({ lingerMs: 10_000 });
    buffer.offer('a', value(1));
    buffer.offer('b', value(1));
    await buffer.close(Date.now() + 1_000);
    expect(counts.published).toBe(2);
    expect(buffer.offer('c', value(1))).toBe(false);
    expect(counts.dropped.shutdown).toBe(1);
  });

  it('close gives up at the deadline and counts what was left as shutdown drops', async () => {
    const { publisher, counts, buffer, lines } = setup();
    publisher.hang = true;
    buffer.offer('a', value(1));
    await expect.poll(() => publisher.batches.length).toBe(1);
    buffer.offer('b', value(1));
    await buffer.close(Date.now() + 100);
    expect(counts.dropped.shutdown).toBe(1);
    expect(lines.join('\n')).toMatch(/shutdown: 1/);
  });

  it('keeps sending full batches one after another (a record over maxBatchBytes each time)', async () => {
    const { counts, buffer } = setup({ maxBatchBytes: 100, lingerMs: 10_000 });
    for (let i = 1; i <= 3; i++) {
      expect(buffer.offer(`big-${i}`, value(150))).toBe(true);
      await expect.poll(() => counts.published).toBe(i);
    }
    expect(buffer.stats()).toMatchObject({ records: 0, bytes: 0 });
  });

  it('logs retriable failures only once they persist, apart from dropped records', async () => {
    const { publisher, counts, buffer, lines } = setup({ retryInitialMs: 1, retryMaxMs: 1 });
    const down = () => new ShadowdiffError('ERR_TRANSPORT', 'not connected', { retriable: true });
    publisher.failures.push(down(), down());
    buffer.offer('a', value(1));
    await expect.poll(() => counts.published).toBe(1);
    expect(lines).toEqual([]); // mended by the retry: no trouble to report

    publisher.failures.push(down(), down(), down());
    buffer.offer('b', value(3));
    await expect.poll(() => counts.published).toBe(2);
    expect(lines).toHaveLength(1);
    // The batch is back in the buffer when the line is written; attempts are not records.
    expect(lines[0]).toBe(
      'tap: record delivery trouble (failed publish attempts: 3); buffer 1 records / 3 bytes; last error: not connected',
    );
  });

  it('logs drops as rate-limited summaries, not a line per record', () => {
    const { publisher, buffer, lines } = setup({ maxRecords: 1 });
    publisher.hang = true;
    for (let i = 0; i < 1000; i++) buffer.offer('k', value(1));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tap: record delivery trouble \(records dropped: buffer_full: 1\)/);
  });
});
