import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { META_ROLES, decodeVerdict, encodeTapRecord, validateConfig } from '@shadowdiff/contracts';
import type { Role, Verdict } from '@shadowdiff/contracts';
import {
  MemoryBus,
  MemoryNoiseStore,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { jsonTapRecord, waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.js';

const TAPS = 'shadowdiff.taps';
const TRIO = 'primary,shadow,secondary';
const PAIR = 'primary,shadow';

async function setup() {
  const config = validateConfig({ worker: { windowMs: 300 } });
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
  let n = 0;
  return {
    verdicts,
    /** Publishes one trace as a mirror tap stamps it and waits for its verdict. */
    async judged(bodies: Partial<Record<Role, unknown>>): Promise<Verdict> {
      const traceId = `t${n++}`;
      const roles = bodies.secondary === undefined ? PAIR : TRIO;
      await publisher.publish(
        Object.entries(bodies).map(([role, body]) => {
          const record = jsonTapRecord(traceId, role as Role, body, { url: '/users/u1' });
          record.meta = { mode: 'mirror', [META_ROLES]: roles };
          return { topic: TAPS, key: traceId, value: encodeTapRecord(record) };
        }),
      );
      await waitFor(`verdict of ${traceId}`, () => verdicts.some((v) => v.traceId === traceId));
      return verdicts.find((v) => v.traceId === traceId)!;
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

/** Every permutation of `xs` but the identity, in a fixed order (deterministic "shuffles"). */
function rotations<T>(xs: readonly T[], i: number): T[] {
  const k = (i % (xs.length - 1)) + 1;
  const out = [...xs.slice(k), ...xs.slice(0, k)];
  return i % 2 === 0 ? out : out.reverse();
}

const ops = (v: Verdict) => v.diffs.map((d) => `${d.op} ${d.path}`);
const suppressedAt = (v: Verdict, path: string) =>
  v.suppressed.filter((s) => s.path === path || s.path.startsWith(`${path}/`));

/**
 * Self-checked pairs (`S` the primary's second answer orders the array differently, `s` it
 * happens to keep the order: a shuffle of three keeps it 1 time in 6) and plain pairs (`p`) whose
 * shadow returns the array in another order than the primary, judged in the order `plan` gives.
 */
async function shuffled(list: readonly unknown[], plan: string): Promise<Verdict[]> {
  const h = await setup();
  current = h;
  const body = (xs: readonly unknown[]) => ({ name: 'Ada', tags: xs });
  const out: Verdict[] = [];
  let i = 0;
  for (const step of plan) {
    const other = rotations(list, i++);
    if (step === 'p') out.push(await h.judged({ primary: body(list), shadow: body(other) }));
    else {
      const second = step === 'S' ? rotations(list, i) : list;
      out.push(
        await h.judged({ primary: body(list), shadow: body(other), secondary: body(second) }),
      );
    }
  }
  return out;
}

function expectSuppressed(verdicts: readonly Verdict[]): void {
  for (const v of verdicts) {
    expect(ops(v), v.traceId).toEqual([]);
    expect(v.outcome, v.traceId).toBe('match');
    const taken = suppressedAt(v, '/tags');
    expect(taken.length, v.traceId).toBeGreaterThan(0);
    for (const s of taken) expect(['secondary', 'learned'], v.traceId).toContain(s.reason);
  }
}

const OBJECTS = [
  { id: 'x1', label: 'one' },
  { id: 'x2', label: 'two' },
  { id: 'x3', label: 'three' },
];

describe('self-check across pairs: a shuffled array', () => {
  it('a scalar array the primary reorders in 2 of 3 self-checks: the 9 later reorders are suppressed', async () => {
    const verdicts = await shuffled(['a', 'b', 'c'], 'SsS' + 'p'.repeat(9));
    expectSuppressed(verdicts.slice(3));
  });

  it('an array of objects keyed by id the primary reorders in 2 of 3 self-checks: later reorders are suppressed', async () => {
    const verdicts = await shuffled(OBJECTS, 'SsS' + 'p'.repeat(9));
    expectSuppressed(verdicts.slice(3));
  });

  it('a shuffle that kept its order in 2 of 3 self-checks, judged out of order: nothing is ever a diff after the first reordering one', async () => {
    // What a mirror run sees: the first self-checked pair proves the shuffle; plain pairs are
    // judged while the other two wait for their second answer; both happen to keep the order.
    const verdicts = await shuffled(['a', 'b', 'c'], 'Spps' + 's' + 'p'.repeat(9));
    expectSuppressed(verdicts.slice(0, 3));
    expectSuppressed(verdicts.slice(5));
    const objects = await shuffled(OBJECTS, 'Spps' + 's' + 'p'.repeat(9));
    expectSuppressed(objects.slice(5));
  });

  it('a list the primary always returns in one order stays a reorder finding when the shadow reverses it', async () => {
    const h = await setup();
    current = h;
    const list = ['a', 'b', 'c'];
    const body = (xs: readonly unknown[], seq: number) => ({ tags: xs, seq });
    let seq = 0;
    // The primary's own answers differ at /seq only: that is what the self-check proves noise.
    for (let i = 0; i < 3; i++) {
      const v = await h.judged({
        primary: body(list, seq++),
        shadow: body(list, seq++),
        secondary: body(list, seq++),
      });
      expect(v.outcome).toBe('match');
    }
    for (let i = 0; i < 9; i++) {
      const v = await h.judged({
        primary: body(list, seq++),
        shadow: body([...list].reverse(), seq++),
      });
      expect(v.outcome, v.traceId).toBe('diff');
      expect(ops(v), v.traceId).toEqual(['reorder /tags']);
      expect(suppressedAt(v, '/tags'), v.traceId).toEqual([]);
      expect(v.suppressed.map((s) => s.path)).toContain('/seq');
    }
  });
});
