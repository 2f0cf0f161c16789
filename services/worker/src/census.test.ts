import { metrics } from '@opentelemetry/api';
import { censusRecord, encodeTapRecord, validateConfig } from '@shadowdiff/contracts';
import {
  MemoryBus,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { waitFor } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.js';

describe('tap census records', () => {
  it('are counted per templated route and reason as unmirrored, never paired or orphaned', async () => {
    const config = validateConfig({ service: 'shop', worker: { windowMs: 100 } });
    const bus = new MemoryBus({ partitions: 1 });
    const samples = new MemorySampleStore();
    const worker = await startWorker({
      config,
      source: bus.source(config.kafka.topics.taps, config.worker.groupId),
      publisher: bus.publisher(),
      store: new MemoryPendingStore(),
      scheduler: new TimerOrphanScheduler(),
      samples,
      meter: metrics.getMeter('test'),
      clock: systemClock,
    });
    try {
      const census = (
        traceId: string,
        method: string,
        path: string,
        reason: string,
        count: number,
      ) => ({
        topic: config.kafka.topics.taps,
        key: traceId,
        value: encodeTapRecord(
          censusRecord({
            traceId,
            service: 'shop',
            tapId: 't',
            at: Date.now(),
            mode: 'mirror',
            method,
            path,
            reason,
            count,
          }),
        ),
      });
      await bus
        .publisher()
        .publish([
          census('c1', 'POST', '/orders', 'method', 5),
          census('c2', 'POST', '/orders', 'method', 2),
          census('c3', 'GET', '/orders/17', 'sampled_out', 9),
        ]);
      const range = { from: Date.now() - 120_000, to: Date.now() + 60_000 };
      await waitFor('census counted', async () => {
        const s = await samples.stats({ service: 'shop', route: 'POST /orders', ...range });
        return s.unmirrored.method === 7;
      });
      const get = await samples.stats({ service: 'shop', route: 'GET /orders/{id}', ...range });
      expect(get.unmirrored).toEqual({ sampled_out: 9 });
      expect(get.pairs).toBe(0);
      expect(worker.counters.census).toBe(3);
      // Well past the alignment window: a census record never becomes an orphan.
      await new Promise((r) => setTimeout(r, 300));
      expect(worker.counters.orphaned).toBe(0);
      expect(worker.counters.verdicts).toBe(0);
    } finally {
      await worker.stop();
    }
  });
});
