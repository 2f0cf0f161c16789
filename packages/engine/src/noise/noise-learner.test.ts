import { randomBytes, randomUUID } from 'node:crypto';
import { noiseConfigSchema } from '@shadowdiff/contracts';
import type { NoiseConfigInput, Verdict } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { noiseHarness } from './noise-pairs.test-kit.js';
import { NoiseAccumulator } from './accumulator.js';
import { assess } from './learner.js';
import { NoiseStatsTable } from './stats-table.js';

const SERVICE = 'orders';
const ROUTE = 'GET /orders/{id}';

/** A learner, judge and an in-memory store (stats table + decisions), flushed every `every` pairs. */
function harness(config: NoiseConfigInput = {}, every = 1) {
  const h = noiseHarness({
    service: SERVICE,
    config,
    flushEvery: every,
    url: (id) => `/orders/${id.replace(/\D/g, '') || '1'}`,
  });
  return {
    ...h,
    pair: (primary: unknown, shadow: unknown, secondary?: unknown, capturedAt = 0): Verdict =>
      h.pair(primary, shadow, secondary, { capturedAt }),
    status: (path: string, aspect: 'value' | 'order' = 'value') => h.status(ROUTE, path, aspect),
  };
}

const token = () => randomBytes(18).toString('base64url') + '9';
const paths = (v: Verdict) => v.diffs.map((d) => d.path);

describe('noise learner: value paths', () => {
  it('learns a per-request UUID path after minSamples pairs and not before', () => {
    // UUIDs on both sides are already a built-in volatile rule in judge, so the learner is fed
    // directly here: this is the evidence judge would hand it for ids the built-ins miss.
    const acc = new NoiseAccumulator({ service: SERVICE });
    const table = new NoiseStatsTable();
    const config = noiseConfigSchema.parse({ minSamples: 50 });
    const statusAfter = (pairs: number) => {
      for (let i = 0; i < pairs; i++) {
        acc.observe({
          route: ROUTE,
          changes: [
            {
              kind: 'body',
              path: '/requestId',
              op: 'replace',
              values: { primary: randomUUID(), shadow: randomUUID() },
            },
          ],
        });
      }
      table.record(acc.drain()!);
      const route = table.routeStats()[0]!;
      return assess(route.entries[0]!, route.pairs, config);
    };
    const early = statusAfter(49);
    expect(early.status).toBe('observing');
    expect(early.evidence).toMatchObject({ samples: 49, changes: 49, valueKind: 'id-like' });
    expect(early.reason).toContain('49 of 50 samples');
    const late = statusAfter(1);
    expect(late.status).toBe('learned');
    expect(late.evidence).toMatchObject({ samples: 50, changeRate: 1, cardinality: 1 });
  });

  it('learns a per-request token through judge, then suppresses it with reason learned', () => {
    const h = harness({ minSamples: 50 });
    for (let i = 0; i < 49; i++) {
      const v = h.pair({ total: i, requestToken: token() }, { total: i, requestToken: token() });
      expect(paths(v)).toEqual(['/requestToken']);
    }
    expect(h.status('/requestToken')).toBe('observing');
    h.pair({ total: 1, requestToken: token() }, { total: 1, requestToken: token() });
    expect(h.status('/requestToken')).toBe('learned');
    const after = h.pair({ total: 2, requestToken: token() }, { total: 2, requestToken: token() });
    expect(after.outcome).toBe('match');
    expect(after.suppressed).toContainEqual({
      kind: 'body',
      path: '/requestToken',
      reason: 'learned',
    });
    // A learned path still reports a real drift next to it, and a structural change at itself.
    const drift = h.pair({ total: 3, requestToken: token() }, { total: 4 });
    expect(drift.diffs.map((d) => [d.path, d.op])).toEqual([
      ['/requestToken', 'remove'],
      ['/total', 'replace'],
    ]);
  });

  it('keeps a field that changes on 10% of pairs as drift', () => {
    const h = harness({ minSamples: 20 });
    let reported = 0;
    for (let i = 0; i < 400; i++) {
      const changed = i % 10 === 0;
      const v = h.pair(
        { sku: `sku-${randomUUID()}`, stamp: `v${i}` },
        { sku: 'x', stamp: changed ? `w${i}` : `v${i}` },
      );
      if (paths(v).includes('/stamp')) reported++;
    }
    expect(reported).toBe(40);
    expect(h.status('/stamp')).toBe('observing');
    // Changes on every pair with new primary values each time, but ids against a constant: drift.
    expect(h.status('/sku')).toBe('observing');
    const entry = h.learner
      .view(SERVICE)!
      .list()
      .find((l) => l.path === '/stamp')!;
    expect(entry.evidence.changeRate).toBeCloseTo(0.1, 5);
  });

  it('never learns a removed field or a type change, however volatile', () => {
    const h = harness({ minSamples: 10 });
    for (let i = 0; i < 100; i++) {
      const v = h.pair(
        { legacyToken: token(), count: Math.random(), stamp: token() },
        { count: String(Math.random()), stamp: 7 },
      );
      expect(v.diffs.map((d) => `${d.op} ${d.path}`).sort()).toEqual([
        'remove /legacyToken',
        'type /count',
        'type /stamp',
      ]);
    }
    expect(h.learner.view(SERVICE)!.list()).toEqual([]);
  });

  it('does not learn free text, plain numbers or low-cardinality values', () => {
    const h = harness({ minSamples: 20 });
    const colours = ['red', 'green', 'blue'];
    for (let i = 0; i < 200; i++) {
      h.pair(
        {
          note: `order ${i} was packed`,
          price: 10 + i,
          colour: colours[i % 3],
          token: `tok_${token()}`,
        },
        {
          note: `order ${i} is packed`,
          price: 11 + i * 1.5,
          colour: colours[(i + 1) % 3],
          token: 'tok_AAAAAAAAAAAAAAAAAAAAAAAA',
        },
      );
    }
    expect(h.status('/note')).toBe('observing');
    expect(h.status('/price')).toBe('observing');
    expect(h.status('/colour')).toBe('observing');
    // One side constant: the shadow value is not a token at all, so the kind is not volatile.
    expect(h.status('/token')).toBe('observing');
  });

  it('learns counters, clocks without a time-like key, and float jitter', () => {
    const h = harness({ minSamples: 30 });
    const t0 = 1_715_000_000_000;
    for (let i = 0; i < 60; i++) {
      const score = 0.5 + i / 100;
      h.pair(
        { seq: 1000 + i * 3, gen: t0 + i * 1000, score, rank: i },
        { seq: 50 + i * 2, gen: t0 + i * 1000 + 5000, score: score * (1 + 3e-7), rank: i },
      );
    }
    expect(h.status('/seq')).toBe('learned');
    expect(h.status('/gen')).toBe('learned');
    expect(h.status('/score')).toBe('learned');
    const kinds = Object.fromEntries(
      h.learner
        .view(SERVICE)!
        .list()
        .map((l) => [l.path, l.evidence.valueKind]),
    );
    expect(kinds).toEqual({ '/seq': 'counter', '/gen': 'time-like', '/score': 'float-jitter' });
  });

  it('learns a counter from pairs judged out of request order, by their capture times', () => {
    // A fleet reads partitions in batches: requests 0..119 arrive as blocks of 4 in a shuffled
    // order. By arrival the counter rises on about half the steps; by capture time on all.
    const h = harness({ minSamples: 30 });
    const t0 = 1_715_000_000_000;
    const blocks = Array.from({ length: 30 }, (_, b) => b);
    let seed = 7;
    for (let b = blocks.length - 1; b > 0; b--) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; // a fixed shuffle
      const j = seed % (b + 1);
      [blocks[b], blocks[j]] = [blocks[j] as number, blocks[b] as number];
    }
    for (const block of blocks) {
      for (let i = block * 4; i < block * 4 + 4; i++) {
        h.pair({ seq: 40_000 + i }, { seq: 100 + i }, undefined, t0 + i * 7);
      }
    }
    expect(h.status('/seq')).toBe('learned');
    const seq = h.learner
      .view(SERVICE)!
      .list()
      .find((l) => l.path === '/seq');
    expect(seq?.evidence.valueKind).toBe('counter');
  });

  it('honours decisions: a rejection sticks over any evidence, a confirmation needs none', () => {
    const h = harness({ minSamples: 10 });
    h.decisions.push(
      {
        route: ROUTE,
        kind: 'body',
        aspect: 'value',
        path: '/requestToken',
        decision: 'rejected',
        at: 1,
      },
      { route: ROUTE, kind: 'body', aspect: 'value', path: '/build', decision: 'confirmed', at: 1 },
    );
    h.flush();
    for (let i = 0; i < 50; i++) {
      const v = h.pair(
        { requestToken: token(), build: 'a' },
        { requestToken: token(), build: 'b' },
      );
      expect(paths(v)).toEqual(['/requestToken']);
      expect(v.suppressed).toEqual([{ kind: 'body', path: '/build', reason: 'learned' }]);
    }
    expect(h.status('/requestToken')).toBe('rejected');
    expect(h.status('/build')).toBe('confirmed');
    const listed = h.learner
      .view(SERVICE)!
      .list()
      .find((l) => l.path === '/requestToken')!;
    expect(listed.reason).toMatch(
      /^rejected by a user; evidence: random-token values change in 100%/,
    );
  });
});

describe('noise learner: set-like arrays', () => {
  const shuffle = <T>(xs: T[]): T[] => {
    const out = xs.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };

  it('learns a shuffled array as a set and still reports a changed element', () => {
    const h = harness({ minSamples: 30 });
    const tags = ['a', 'b', 'c', 'd', 'e'];
    for (let i = 0; i < 40; i++) h.pair({ tags: shuffle(tags) }, { tags: shuffle(tags) });
    expect(h.status('/tags', 'order')).toBe('learned');
    for (let i = 0; i < 60; i++) h.pair({ tags: shuffle(tags) }, { tags: shuffle(tags) });
    // A learned set is no longer observed: its evidence stays as it was when learned.
    const listed = h.learner
      .view(SERVICE)!
      .list()
      .find((l) => l.aspect === 'order')!;
    expect(listed.evidence.samples).toBe(30);
    expect(listed.evidence.changeRate).toBeGreaterThan(0.9);
    const quiet = h.pair({ tags: shuffle(tags) }, { tags: shuffle(tags) });
    expect(quiet.outcome).toBe('match');
    const drift = h.pair({ tags: shuffle(tags) }, { tags: shuffle(['a', 'b', 'c', 'd', 'x']) });
    expect(drift.outcome).toBe('diff');
    expect(paths(drift)).toEqual(['/tags/*']);
  });

  it('does not learn a deterministic order change (the shadow sorts)', () => {
    const h = harness({ minSamples: 30 });
    for (let i = 0; i < 80; i++) {
      const items = shuffle(['k', 'l', 'm', 'n', 'o']);
      h.pair({ items }, { items: items.slice().sort() });
    }
    expect(h.status('/items', 'order')).toBe('observing');
  });
});

describe('secondary role (Diffy)', () => {
  it('cancels a field that differs as much against the secondary, keeps one only the shadow changes', () => {
    const h = harness({ learn: false, secondary: { enabled: true } }, 10);
    const late: Verdict[] = [];
    for (let i = 0; i < 100; i++) {
      const host = `host-${i % 7}`;
      const v = h.pair(
        { servedBy: host, price: 10 },
        { servedBy: `host-${(i + 1) % 7}`, price: i % 2 === 0 ? 12 : 10 },
        { servedBy: `host-${(i + 3) % 7}`, price: 10 },
      );
      if (i >= 20) late.push(v);
    }
    for (const v of late) {
      expect(v.suppressed).toContainEqual({ kind: 'body', path: '/servedBy', reason: 'secondary' });
      expect(paths(v).includes('/price')).toBe(v.diffs.length > 0);
    }
    expect(late.filter((v) => paths(v).includes('/price'))).toHaveLength(40);
  });
});

describe('noise learner: cost bounds', () => {
  it('parses bodies for set evidence only while a reported finding sits in an undecided array', () => {
    const h = harness({ minSamples: 20 });
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    // Each item carries a clock that is hours apart between the sides: time-like noise.
    const items = (at: number) =>
      ['a', 'b'].map((sku, k) => ({ sku, at: new Date(at + k).toISOString() }));
    for (let i = 0; i < 60; i++) {
      h.pair({ items: items(t0 + i * 1e7) }, { items: items(t0 + i * 1e7 + 9e6) });
    }
    expect(h.status('/items/*/at')).toBe('learned');
    // Before it was learned, each pair's /items was inspected (and found to differ in content);
    // after, its findings are taken out and no body is parsed for /items again.
    const order = h.learner
      .view(SERVICE)!
      .list()
      .find((l) => l.aspect === 'order')!;
    expect(order).toMatchObject({ path: '/items', status: 'observing' });
    const stats = h.learner
      .view(SERVICE)!
      .snapshot.routes[0]!.entries.find((e) => e.aspect === 'order')!;
    expect(stats.other).toBe(20);
  });
});
