import { randomBytes } from 'node:crypto';
import { encodedJsonTapRecord as encodedHalf, waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allVerdicts,
  dropKeys,
  fleetConfig,
  fleetNames,
  notExactlyOnce,
  producer,
  startTestWorker,
  total,
  verdictWatcher,
} from './fleet.test-kit.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('orphan timeouts on Redis + BullMQ', () => {
  it('turns 1000 unpaired halves into 1000 orphan verdicts, each naming the missing role', async () => {
    const names = await fleetNames();
    cleanup.push(() => dropKeys(names.prefix));
    const w = await startTestWorker(fleetConfig(names, { windowMs: 1_000 }));
    cleanup.push(() => w.stop());
    const watcher = await verdictWatcher(names.verdicts);
    cleanup.push(() => watcher.stop());

    const ids = Array.from({ length: 1000 }, () => randomBytes(16).toString('hex'));
    // 700 halves without their shadow, 300 without their primary.
    const roleOf = (i: number) => (i < 700 ? 'primary' : 'shadow') as 'primary' | 'shadow';
    const p = await producer();
    cleanup.push(() => p.disconnect());
    await p.send({
      topic: names.taps,
      messages: ids.map((id, i) => ({ key: id, value: encodedHalf(id, roleOf(i), { i }) })),
    });
    await waitFor('1000 orphan verdicts', () => watcher.seen.size >= ids.length, 45_000);

    // The partners arrive after the verdicts: counted as late, never judged a second time.
    await p.send({
      topic: names.taps,
      messages: ids
        .slice(0, 50)
        .map((id, i) => ({ key: id, value: encodedHalf(id, 'shadow', { i }) })),
    });
    await waitFor('50 late halves', () => w.worker.counters.late === 50);
    await w.stop();

    const verdicts = await allVerdicts(names.verdicts);
    expect(notExactlyOnce(verdicts, ids)).toEqual(new Map());
    const index = new Map(ids.map((id, i) => [id, i]));
    for (const v of verdicts) {
      const present = roleOf(index.get(v.traceId)!);
      expect(v.outcome).toBe('orphan');
      expect(v.roles).toEqual([present]);
      expect(v.missingRoles).toEqual([present === 'primary' ? 'shadow' : 'primary']);
      expect(v.route).toBe('GET /orders/{id}');
    }
    const m = await w.metrics();
    expect(total(m.get('shadow.pairs'), (a) => a.outcome === 'orphan')).toBe(1000);
    expect(total(m.get('shadow.late'), (a) => a.role === 'shadow')).toBe(50);
  });
});
