import { orphanSchedulerContract } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { TimerOrphanScheduler } from './timer-orphan-scheduler.js';

orphanSchedulerContract('TimerOrphanScheduler', (settings) => {
  const scheduler = new TimerOrphanScheduler(settings);
  return Promise.resolve({ open: () => scheduler, close: () => scheduler.stop() });
});

describe('TimerOrphanScheduler on a manual clock', () => {
  it('fires only once the clock reaches the deadline, in batches', async () => {
    let now = 0;
    const scheduler = new TimerOrphanScheduler({ clock: { now: () => now }, batchSize: 2 });
    const calls: string[][] = [];
    await scheduler.start((ids) => {
      calls.push(ids);
      return Promise.resolve();
    });
    await scheduler.schedule([
      { traceId: 'a', dueAt: 100 },
      { traceId: 'b', dueAt: 100 },
      { traceId: 'c', dueAt: 150 },
      { traceId: 'd', dueAt: 400 },
    ]);
    now = 99;
    await scheduler.sweep();
    expect(calls).toEqual([]);
    now = 150;
    await scheduler.sweep();
    expect(calls).toEqual([['a', 'b'], ['c']]);
    expect(scheduler.pending).toBe(1);
    await scheduler.stop();
  });

  it('re-fires a rejected batch after the retry delay', async () => {
    let now = 0;
    const errors: unknown[] = [];
    const scheduler = new TimerOrphanScheduler({
      clock: { now: () => now },
      retryDelayMs: 50,
      onError: (error) => errors.push(error),
    });
    const calls: string[][] = [];
    await scheduler.start((ids) => {
      calls.push(ids);
      return calls.length === 1 ? Promise.reject(new Error('blip')) : Promise.resolve();
    });
    await scheduler.schedule([{ traceId: 'a', dueAt: 10 }]);
    now = 10;
    await scheduler.sweep();
    now = 59;
    await scheduler.sweep();
    expect(calls).toEqual([['a']]);
    now = 60;
    await scheduler.sweep();
    expect(calls).toEqual([['a'], ['a']]);
    expect(errors).toHaveLength(1);
    await scheduler.stop();
  });
});
