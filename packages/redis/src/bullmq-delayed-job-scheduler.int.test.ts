import { orphanSchedulerContract, redisUrl, scopedRedis, uniqueName } from '@shadowdiff/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BullmqDelayedJobScheduler, jobIdOf } from './bullmq-delayed-job-scheduler.js';

orphanSchedulerContract('BullmqDelayedJobScheduler', async (settings) => {
  const scope = await scopedRedis('delayed');
  const queueName = uniqueName('orphans');
  const opened: { scheduler: BullmqDelayedJobScheduler; connection: Redis }[] = [];
  return {
    open() {
      const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
      const scheduler = new BullmqDelayedJobScheduler({
        connection,
        keyPrefix: scope.prefix,
        queueName,
        retryDelayMs: settings.retryDelayMs,
      });
      opened.push({ scheduler, connection });
      return scheduler;
    },
    async close() {
      for (const { scheduler, connection } of opened) {
        await scheduler.close();
        await connection.quit();
      }
      await scope.cleanup();
    },
  };
});

describe('BullmqDelayedJobScheduler', () => {
  it('uses the trace id as job id, encoding the ids BullMQ would reject', () => {
    expect(jobIdOf('4bf92f3577b34da6a3ce929d0e0e4736')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(jobIdOf('12345')).toBe(`~${Buffer.from('12345').toString('base64url')}`);
    expect(jobIdOf('a:b')).toBe(`~${Buffer.from('a:b').toString('base64url')}`);
    expect(jobIdOf('~x')).not.toBe('~x');
  });

  it('keeps one delayed job per trace id, under the key prefix', async () => {
    const scope = await scopedRedis('delayed');
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const scheduler = new BullmqDelayedJobScheduler({
      connection,
      keyPrefix: scope.prefix,
      queueName: uniqueName('orphans'),
    });
    try {
      const dueAt = Date.now() + 60_000;
      await scheduler.schedule([
        { traceId: 'abc', dueAt },
        { traceId: 'abc', dueAt },
        { traceId: '42', dueAt },
      ]);
      expect(await scheduler.queue.getDelayedCount()).toBe(2);
      const job = await scheduler.queue.getJob('abc');
      expect(job?.data).toEqual({ t: 'abc' });
      expect((await scheduler.queue.getJob(jobIdOf('42')))?.data).toEqual({ t: '42' });
      const [, found] = await scope.client.scan('0', 'MATCH', '*', 'COUNT', 10_000);
      expect(found.filter((key) => key.includes(scheduler.queue.name)).length).toBeGreaterThan(0);
      expect(
        found.filter((key) => key.includes(scheduler.queue.name) && !key.startsWith(scope.prefix)),
      ).toEqual([]);
    } finally {
      await scheduler.close();
      await connection.quit();
      await scope.cleanup();
    }
  });
});
