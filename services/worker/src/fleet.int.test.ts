import { randomBytes } from 'node:crypto';
import { encodedJsonTapRecord as encodedHalf, waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allVerdicts,
  dropKeys,
  fleetConfig,
  fleetNames,
  groupMembers,
  notExactlyOnce,
  producer,
  startTestWorker,
  total,
  verdictWatcher,
} from './fleet.test-kit.js';
import type { TestWorker } from './fleet.test-kit.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('worker fleet on real Kafka and Redis', () => {
  it('two workers consuming one topic give exactly one verdict per trace id', async () => {
    const names = await fleetNames();
    cleanup.push(() => dropKeys(names.prefix));
    const config = fleetConfig(names);
    const workers: TestWorker[] = [];
    for (let i = 0; i < 2; i++) {
      const w = await startTestWorker(config);
      cleanup.push(() => w.stop());
      workers.push(w);
    }
    await groupMembers(names.group, 2);
    const watcher = await verdictWatcher(names.verdicts);
    cleanup.push(() => watcher.stop());

    const traces = Array.from({ length: 1500 }, () => randomBytes(16).toString('hex'));
    const primaries = traces.map((id, i) => ({
      key: id,
      value: encodedHalf(
        id,
        'primary',
        { id: i, total: 10, note: 'x'.repeat(200) },
        { url: `/orders/${i}` },
      ),
    }));
    const shadows = traces.map((id, i) => ({
      key: id,
      value: encodedHalf(
        id,
        'shadow',
        { id: i, total: i % 5 === 0 ? 11 : 10, note: 'x'.repeat(200) },
        { url: `/orders/${i}` },
      ),
    }));
    const p = await producer();
    cleanup.push(() => p.disconnect());
    // Halves of one trace in one send and in separate sends (different batches, maybe different
    // workers' turns), plus redeliveries of halves already sent.
    await p.send({
      topic: names.taps,
      messages: [...primaries.slice(0, 750), ...shadows.slice(0, 750)],
    });
    await p.send({ topic: names.taps, messages: primaries.slice(750) });
    await p.send({
      topic: names.taps,
      messages: [...shadows.slice(750), ...primaries.slice(0, 100), ...shadows.slice(700, 800)],
    });

    await waitFor('a verdict for every trace', () => watcher.seen.size >= traces.length, 45_000);
    for (const w of workers) await w.stop();

    const verdicts = await allVerdicts(names.verdicts);
    expect(notExactlyOnce(verdicts, traces)).toEqual(new Map());
    expect(verdicts).toHaveLength(traces.length);
    expect(verdicts.filter((v) => v.outcome === 'diff')).toHaveLength(300);
    expect(verdicts.filter((v) => v.outcome === 'match')).toHaveLength(1200);
    // Both members took part: the group really split the partitions.
    for (const w of workers) expect(w.worker.counters.paired).toBeGreaterThan(0);
    let pairs = 0;
    let lag = 0;
    for (const w of workers) {
      const m = await w.metrics();
      pairs += total(m.get('shadow.pairs'), (a) => a.env === 'shadow' && a.service === 'orders');
      lag += total(m.get('shadow.pipeline.lag.seconds'));
    }
    expect(pairs).toBe(traces.length);
    expect(lag).toBe(traces.length);
  });
});
