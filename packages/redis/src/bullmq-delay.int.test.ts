import { redisUrl, uniqueName } from '@shadowdiff/testkit';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

describe('BullMQ on the real Redis', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('fires a delayed job after its delay, not before', async () => {
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const name = uniqueName('sd-delay');
    const queue = new Queue(name, { connection, prefix: 'sdtest' });
    closers.push(() => connection.quit());
    closers.push(() => queue.obliterate({ force: true }).then(() => queue.close()));

    const delay = 1_500;
    const firedAt = new Promise<{ at: number; data: unknown }>((resolve) => {
      const worker = new Worker(
        name,
        async (job) => {
          resolve({ at: Date.now(), data: job.data });
        },
        { connection: new Redis(redisUrl(), { maxRetriesPerRequest: null }), prefix: 'sdtest' },
      );
      closers.push(() => worker.close());
    });
    const events = new QueueEvents(name, {
      connection: new Redis(redisUrl(), { maxRetriesPerRequest: null }),
      prefix: 'sdtest',
    });
    closers.push(() => events.close());
    await events.waitUntilReady();

    const enqueuedAt = Date.now();
    const job = await queue.add(
      'orphan-timeout',
      { traceId: 'abc' },
      { delay, jobId: 'trace-abc' },
    );
    expect(await job.getState()).toBe('delayed');

    const fired = await firedAt;
    expect(fired.data).toEqual({ traceId: 'abc' });
    expect(fired.at - enqueuedAt).toBeGreaterThanOrEqual(delay);
  });
});
