import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { META_ROLES, decodeVerdict, encodeTapRecord, validateConfig } from '@shadowdiff/contracts';
import type { Role, ShadowdiffConfigInput, Verdict } from '@shadowdiff/contracts';
import {
  MemoryBus,
  MemoryNoiseStore,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { jsonTapRecord, sleep, waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.js';

const TAPS = 'shadowdiff.taps';

async function setup(overrides: ShadowdiffConfigInput = {}) {
  const config = validateConfig({ worker: { windowMs: 300 }, ...overrides });
  const bus = new MemoryBus({ partitions: 2 });
  const provider = new MeterProvider();
  const worker = await startWorker({
    config,
    source: bus.source(TAPS, config.worker.groupId),
    publisher: bus.publisher(),
    store: new MemoryPendingStore(),
    scheduler: new TimerOrphanScheduler(),
    samples: new MemorySampleStore({ examplesPerKey: 5 }),
    noise: new MemoryNoiseStore(),
    noiseFlushMs: 50,
    meter: provider.getMeter('test'),
    clock: systemClock,
  });
  const verdicts: Verdict[] = [];
  const reader = bus.source(config.kafka.topics.verdicts, 'reader');
  await reader.run((batch) => {
    for (const m of batch) {
      const d = decodeVerdict(m.value);
      if (!d.ok) throw d.error;
      verdicts.push(d.value);
    }
    return Promise.resolve();
  });
  const publisher = bus.publisher();
  return {
    worker,
    verdicts,
    /** Halves of one trace as a mirror tap stamps them (`meta.roles`), each given its body. */
    async trace(
      traceId: string,
      bodies: Partial<Record<Role, unknown>>,
      roles: string | undefined,
      url = '/search',
    ) {
      await publisher.publish(
        Object.entries(bodies).map(([role, body]) => {
          const record = jsonTapRecord(traceId, role as Role, body, { url });
          if (roles !== undefined) record.meta = { mode: 'mirror', [META_ROLES]: roles };
          return { topic: TAPS, key: traceId, value: encodeTapRecord(record) };
        }),
      );
    },
    async close() {
      await worker.stop();
      await reader.stop();
      await provider.shutdown();
    },
  };
}

let current: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const TRIO = 'primary,shadow,secondary';
const PAIR = 'primary,shadow';
let seq = 0;
const cursor = () => `c${(seq++).toString(36).padStart(15, 'x')}`;
const answer = (price = 10) => ({ price, cursor: cursor(), tookMs: 3 + (seq++ % 97) });
const paths = (v: Verdict | undefined) => (v?.diffs ?? []).map((d) => d.path).sort();

describe('worker: the roles a trace needs come from its records', () => {
  it('a self-checked trace waits for its secondary and is judged with it; a plain one does not wait', async () => {
    const h = await setup();
    current = h;
    // The plain trace pairs at once (config roles are primary + shadow).
    await h.trace('plain', { primary: answer(), shadow: answer() }, PAIR, '/plain');
    await waitFor('the plain verdict', () => h.verdicts.length === 1);
    expect(h.verdicts[0]).toMatchObject({
      traceId: 'plain',
      outcome: 'diff',
      roles: ['primary', 'shadow'],
    });

    // The self-checked trace: primary and shadow first, the secondary a moment later.
    await h.trace('checked', { primary: answer(), shadow: answer(11) }, TRIO);
    await waitFor('both halves taken in', () => h.worker.counters.waiting === 2);
    await sleep(50);
    expect(h.verdicts.map((v) => v.traceId)).toEqual(['plain']);
    await h.trace('checked', { secondary: answer() }, TRIO);
    await waitFor('the self-checked verdict', () => h.verdicts.length === 2);
    const v = h.verdicts[1]!;
    expect(v.roles).toEqual(['primary', 'shadow', 'secondary']);
    // cursor and tookMs differ between the primary's two answers: noise from this very pair;
    // the price is drift.
    expect(paths(v)).toEqual(['/price']);
    expect(
      v.suppressed
        .filter((s) => s.reason === 'secondary')
        .map((s) => s.path)
        .sort(),
    ).toEqual(['/cursor', '/tookMs']);
    expect(h.worker.counters.unexpectedRole).toBe(0);
  });

  it('a later pair of the route without a secondary is suppressed by what the self-check proved', async () => {
    const h = await setup();
    current = h;
    await h.trace('first', { primary: answer(), shadow: answer(), secondary: answer() }, TRIO);
    await waitFor('first verdict', () => h.verdicts.length === 1);
    expect(h.verdicts[0]!.outcome).toBe('match');
    await h.trace('second', { primary: answer(), shadow: answer() }, PAIR);
    await waitFor('second verdict', () => h.verdicts.length === 2);
    expect(h.verdicts[1]).toMatchObject({ outcome: 'match', roles: ['primary', 'shadow'] });
  });

  it('a missing secondary never makes an orphan: the pair is judged without it at the deadline', async () => {
    const h = await setup();
    current = h;
    await h.trace('lost', { primary: answer(), shadow: answer(12) }, TRIO);
    await waitFor('a verdict at the deadline', () => h.verdicts.length === 1);
    const v = h.verdicts[0]!;
    expect(v.outcome).toBe('diff');
    expect(v.missingRoles).toBeUndefined();
    expect(v.roles).toEqual(['primary', 'shadow']);
    // Judged as a plain pair: no self-check, so cursor and tookMs are findings here.
    expect(paths(v)).toEqual(['/cursor', '/price', '/tookMs']);
    expect(h.worker.counters.withoutSecondary).toBe(1);
    expect(h.worker.counters.orphaned).toBe(0);
    // The secondary arriving after the verdict is late: no second verdict.
    await h.trace('lost', { secondary: answer() }, TRIO);
    await waitFor('the late half counted', () => h.worker.counters.late === 1);
    expect(h.verdicts).toHaveLength(1);
  });

  it('a missing shadow is still an orphan, whatever the secondary', async () => {
    const h = await setup();
    current = h;
    await h.trace('noshadow', { primary: answer(), secondary: answer() }, TRIO);
    await waitFor('an orphan verdict', () => h.verdicts.length === 1);
    expect(h.verdicts[0]).toMatchObject({ outcome: 'orphan', missingRoles: ['shadow'] });
  });

  it('records without meta.roles (sidecar taps) use the configured roles', async () => {
    const h = await setup({ worker: { roles: ['primary', 'shadow'] } });
    current = h;
    await h.trace('side', { primary: answer(), shadow: answer(), secondary: answer() }, undefined);
    await waitFor('a verdict', () => h.verdicts.length === 1);
    expect(h.verdicts[0]!.roles).toEqual(['primary', 'shadow']);
    expect(h.worker.counters.unexpectedRole).toBe(1);
  });
});
