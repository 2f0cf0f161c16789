import { metrics } from '@opentelemetry/api';
import { DLQ_HEADERS, validateConfig } from '@shadowdiff/contracts';
import {
  MemoryBus,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { encodedJsonTapRecord, waitFor } from '@shadowdiff/testkit';
import { describe, expect, it, vi } from 'vitest';
import type * as Engine from '@shadowdiff/engine';
import { guardJudge } from './judge-guard.js';
import { startWorker } from './start-worker.js';

// An engine bug stands in for every input the engine's own limits do not know yet: judging the
// trace `poison` throws (a stack overflow would look the same to the worker).
vi.mock('@shadowdiff/engine', async (importOriginal) => {
  const engine = await importOriginal<typeof Engine>();
  return {
    ...engine,
    judge: (...args: Parameters<typeof engine.judge>) => {
      if (args[0].traceId === 'poison') throw new RangeError('Maximum call stack size exceeded');
      return engine.judge(...args);
    },
  };
});

describe('guardJudge', () => {
  it('turns a throw into a reason', () => {
    const guarded = guardJudge(() => {
      throw new TypeError('boom');
    });
    expect(guarded).toEqual({ ok: false, reason: 'judging the pair failed: TypeError: boom' });
  });
});

describe('a pair whose judging throws', () => {
  it('goes to the DLQ with its reason, and the rest of its batch is judged', async () => {
    const config = validateConfig({ service: 'shop', worker: { windowMs: 60_000 } });
    const bus = new MemoryBus({ partitions: 1 });
    const worker = await startWorker({
      config,
      source: bus.source(config.kafka.topics.taps, config.worker.groupId),
      publisher: bus.publisher(),
      store: new MemoryPendingStore(),
      scheduler: new TimerOrphanScheduler(),
      samples: new MemorySampleStore(),
      meter: metrics.getMeter('test'),
      clock: systemClock,
    });
    try {
      const half = (traceId: string, role: 'primary' | 'shadow') => ({
        topic: config.kafka.topics.taps,
        key: traceId,
        value: encodedJsonTapRecord(traceId, role, { ok: role }),
      });
      await bus
        .publisher()
        .publish(
          ['good-1', 'poison', 'good-2'].flatMap((id) => [half(id, 'primary'), half(id, 'shadow')]),
        );
      await waitFor('both good verdicts', () => worker.counters.verdicts === 2);
      const dlq = bus.retained(config.kafka.topics.dlq);
      expect(dlq.map((m) => m.key)).toEqual(['poison', 'poison']);
      expect(dlq[0]!.headers?.[DLQ_HEADERS.code]).toBe('ERR_JUDGE');
      expect(dlq[0]!.headers?.[DLQ_HEADERS.reason]).toMatch(/RangeError: Maximum call stack/);
      const verdicts = bus.retained(config.kafka.topics.verdicts);
      expect(verdicts).toHaveLength(2);
      expect(worker.counters.dlq).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});
