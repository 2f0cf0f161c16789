import { ShadowdiffError } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import { describe, expect, it } from 'vitest';
import { PublishQueue } from './publish-queue.js';

const msg = (i: number): OutboundMessage => ({
  topic: 't',
  key: String(i),
  value: new Uint8Array([i]),
});

/** In-memory RecordPublisher: the transport is not under test here, the queue's behaviour is. */
class FakePublisher implements RecordPublisher {
  readonly batches: OutboundMessage[][] = [];
  failNext: ShadowdiffError[] = [];
  gate: Promise<void> | undefined;
  publish(messages: OutboundMessage[]): Promise<void> {
    const failure = this.failNext.shift();
    if (failure) return Promise.reject(failure);
    const done = (): void => void this.batches.push([...messages]);
    return this.gate ? this.gate.then(done) : Promise.resolve(done());
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const retriable = () => new ShadowdiffError('ERR_TRANSPORT', 'broker away', { retriable: true });

describe('PublishQueue', () => {
  it('keeps each batch within maxBatchBytes; a larger message goes alone', async () => {
    const publisher = new FakePublisher();
    const queue = new PublishQueue(publisher, { batchSize: 100, maxBatchBytes: 1_000 });
    const sized = (i: number, n: number): OutboundMessage => ({
      topic: 't',
      key: String(i),
      value: new Uint8Array(n),
    });
    queue.offer([sized(0, 400), sized(1, 400), sized(2, 400), sized(3, 5_000), sized(4, 10)]);
    await queue.close(5_000);
    expect(publisher.batches.map((b) => b.map((m) => m.key))).toEqual([
      ['0', '1'],
      ['2'],
      ['3'],
      ['4'],
    ]);
  });

  it('publishes everything offered, in order, in batches', async () => {
    const publisher = new FakePublisher();
    const progress: number[] = [];
    const queue = new PublishQueue(publisher, {
      batchSize: 4,
      onPublished: (n) => progress.push(n),
    });
    for (let i = 0; i < 10; i++) queue.offer([msg(i)]);
    const stats = await queue.close(5_000);
    expect(stats).toEqual({ published: 10, dropped: 0, queued: 0 });
    expect(publisher.batches.flat().map((m) => m.key)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(i)),
    );
    expect(progress.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...publisher.batches.map((b) => b.length))).toBeLessThanOrEqual(4);
  });

  it('retries a batch the transport refused as retriable, without loss or reordering', async () => {
    const publisher = new FakePublisher();
    publisher.failNext = [retriable(), retriable()];
    const lines: string[] = [];
    const queue = new PublishQueue(publisher, { retryInitialMs: 1, log: (l) => lines.push(l) });
    queue.offer([msg(1), msg(2)]);
    const stats = await queue.close(5_000);
    expect(stats.published).toBe(2);
    expect(publisher.batches).toHaveLength(1);
    // One line when the streak starts and one when it ends, not one per retry.
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/recovered after 2/);
  });

  it('drops a batch the transport refused for good, and counts it', async () => {
    const publisher = new FakePublisher();
    publisher.failNext = [new ShadowdiffError('ERR_TRANSPORT', 'record too large')];
    const queue = new PublishQueue(publisher, { batchSize: 1 });
    queue.offer([msg(1), msg(2)]);
    expect(await queue.close(5_000)).toEqual({ published: 1, dropped: 1, queued: 0 });
  });

  it('drops what does not fit while the transport is stuck, instead of growing', async () => {
    const publisher = new FakePublisher();
    let release!: () => void;
    publisher.gate = new Promise((resolve) => (release = resolve));
    const queue = new PublishQueue(publisher, { maxQueued: 3, batchSize: 10 });
    expect(queue.offer([msg(1), msg(2)])).toBe(2);
    expect(queue.offer([msg(3), msg(4)])).toBe(1);
    expect(queue.stats).toEqual({ published: 0, dropped: 1, queued: 3 });
    release();
    expect(await queue.close(5_000)).toEqual({ published: 3, dropped: 1, queued: 0 });
  });

  it('gives up at the close grace and counts the rest as dropped', async () => {
    const publisher = new FakePublisher();
    publisher.failNext = Array.from({ length: 1_000 }, retriable);
    const queue = new PublishQueue(publisher, { retryInitialMs: 5, retryMaxMs: 5 });
    queue.offer([msg(1), msg(2), msg(3)]);
    expect(await queue.close(30)).toEqual({ published: 0, dropped: 3, queued: 0 });
    expect(queue.offer([msg(4)])).toBe(0);
    expect(queue.stats.dropped).toBe(4);
  });
});
