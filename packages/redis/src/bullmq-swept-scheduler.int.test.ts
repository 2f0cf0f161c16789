import {
  orphanSchedulerContract,
  redisUrl,
  scopedRedis,
  uniqueName,
  waitFor,
} from '@shadowdiff/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BullmqSweptScheduler } from './bullmq-swept-scheduler.js';
import { RedisPendingStore } from './redis-pending-store.js';

orphanSchedulerContract('BullmqSweptScheduler', async (settings) => {
  const scope = await scopedRedis('swept');
  const queueName = uniqueName('sweeps');
  const opened: { scheduler: BullmqSweptScheduler; connection: Redis }[] = [];
  return {
    open() {
      const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
      const scheduler = new BullmqSweptScheduler({
        connection,
        keyPrefix: scope.prefix,
        queueName,
        sweepEveryMs: 100,
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

describe('BullmqSweptScheduler', () => {
  it('fires the traces the store indexed, and a lease that lapsed fires again', async () => {
    const scope = await scopedRedis('swept');
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const options = {
      connection,
      keyPrefix: scope.prefix,
      queueName: uniqueName('sweeps'),
      indexedByStore: true,
      sweepEveryMs: 100,
    };
    const store = new RedisPendingStore({
      redis: connection,
      keyPrefix: scope.prefix,
      deadlineIndexKey: `${scope.prefix}orphans:due`,
    });
    const crashing = new BullmqSweptScheduler({ ...options, leaseMs: 500 });
    const healthy = new BullmqSweptScheduler(options);
    try {
      const dueAt = Date.now() + 200;
      const ids = Array.from({ length: 50 }, () => uniqueName('t'));
      const pairedId = uniqueName('t');
      await store.offer(
        [...ids, pairedId].map((traceId) => ({
          traceId,
          role: 'primary' as const,
          half: new Uint8Array([1]),
          expected: ['primary', 'shadow'] as const,
          deadlineAt: dueAt,
        })),
      );
      await store.offer([
        {
          traceId: pairedId,
          role: 'shadow',
          half: new Uint8Array([2]),
          expected: ['primary', 'shadow'],
          deadlineAt: dueAt,
        },
      ]);
      // schedule() is free here: the offer script already indexed the deadlines.
      await healthy.schedule([{ traceId: uniqueName('never'), dueAt }]);
      expect(await connection.zcard(healthy.indexKey)).toBe(50);

      // A sweeper that hangs inside onDue (as good as dead: it never settles its lease)...
      let crashed = 0;
      let wake!: () => void;
      const zombie = new Promise<void>((resolve) => (wake = resolve));
      await crashing.start(() => {
        crashed += 1;
        return zombie;
      });
      await waitFor('the crashing sweeper to lease a batch', () => crashed > 0);
      expect(await crashing.due()).toBe(0);
      const stopping = crashing.stop();

      // ...and the lease lapses: a healthy sweeper fires every id, each at or after its deadline.
      const fired: string[] = [];
      await healthy.start((traceIds) => {
        fired.push(...traceIds);
        return Promise.resolve();
      });
      await waitFor('50 fires', () => fired.length >= 50);
      expect(new Set(fired)).toEqual(new Set(ids));
      await waitFor(
        'the index to empty',
        async () => (await connection.zcard(healthy.indexKey)) === 0,
      );

      // The zombie wakes up late: settling its stale lease must spare an id armed again since
      // (same id, a fresh deadline), or that trace would never fire.
      const reArmed = ids[0]!;
      await connection.zadd(healthy.indexKey, Date.now() + 60_000, reArmed);
      wake();
      await stopping;
      expect(await connection.zscore(healthy.indexKey, reArmed)).not.toBeNull();
    } finally {
      await healthy.close();
      await crashing.close();
      await connection.quit();
      await scope.cleanup();
    }
  });
});
