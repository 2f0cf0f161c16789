import type { Verdict } from '@shadowdiff/contracts';
import type { ExamplePair, RouteStatsDelta, SampleStore } from '@shadowdiff/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueName } from '../names.js';
import { sampleStoreRecountContract } from './sample-store-recount-contract.js';

export interface SampleStoreHarness {
  /** A store on the harness's shared state; network stores may open a new client per call. */
  connect(): SampleStore;
  close(): Promise<void>;
}

/** Settings every store under contract is built with. */
export interface SampleStoreContractSettings {
  examplesPerKey: number;
}

const MINUTE = 60_000;

function delta(
  over: Partial<RouteStatsDelta> & Pick<RouteStatsDelta, 'service' | 'route' | 'minute'>,
): RouteStatsDelta {
  return { outcomes: {}, late: 0, diffs: [], latency: {}, responses: {}, ...over };
}

function example(traceId: string, bytes: number[]): ExamplePair {
  const verdict: Verdict = {
    v: 1,
    traceId,
    service: 's',
    route: 'GET /x',
    outcome: 'diff',
    decidedAt: 1,
    roles: ['primary', 'shadow'],
    status: { primary: 200, shadow: 200 },
    latencyMs: { primary: 1, shadow: 2 },
    diffs: [{ kind: 'body', path: '/a', op: 'replace', severity: 'minor', primary: 1, shadow: 2 }],
    suppressed: [],
  };
  return { verdict, halves: { primary: new Uint8Array(bytes), shadow: new Uint8Array([0xff]) } };
}

/**
 * The behaviour every {@link SampleStore} shares (memory, Redis): additive per-minute stats that a
 * time range can be queried over, capped newest-first examples, and a route index.
 */
export function sampleStoreContract(
  name: string,
  setup: (settings: SampleStoreContractSettings) => Promise<SampleStoreHarness>,
): void {
  const settings: SampleStoreContractSettings = { examplesPerKey: 3 };

  describe(`SampleStore contract: ${name}`, () => {
    let harness: SampleStoreHarness;
    let service: string;
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;

    beforeEach(async () => {
      harness = await setup(settings);
      service = uniqueName('svc');
    });
    afterEach(async () => {
      await harness.close();
    });

    it('adds stats up across writes and writers', async () => {
      const a = harness.connect();
      const b = harness.connect();
      const route = 'GET /orders/{id}';
      await a.record({
        stats: [
          delta({
            service,
            route,
            minute: now,
            outcomes: { match: 3, diff: 2 },
            late: 1,
            diffs: [
              { kind: 'body', path: '/total', severity: 'minor', count: 2 },
              { kind: 'status', path: 'status', severity: 'critical', count: 1 },
            ],
            latency: { primary: { 5: 4, 9: 1 }, shadow: { 11: 5 } },
            responses: { primary: { '2xx': 5 }, shadow: { '2xx': 4, '5xx': 1 } },
          }),
        ],
        examples: [],
      });
      await b.record({
        stats: [
          delta({
            service,
            route,
            minute: now,
            outcomes: { diff: 1, orphan: 2 },
            diffs: [{ kind: 'body', path: '/total', severity: 'major', count: 1 }],
            latency: { primary: { 5: 1 } },
          }),
        ],
        examples: [],
      });
      const stats = await a.stats({ service, route, from: now, to: now + MINUTE });
      expect(stats.outcomes).toEqual({ match: 3, diff: 3, orphan: 2, error: 0 });
      expect(stats.pairs).toBe(8);
      expect(stats.late).toBe(1);
      expect(stats.paths).toEqual([
        { kind: 'body', path: '/total', total: 3, bySeverity: { minor: 2, major: 1 } },
        { kind: 'status', path: 'status', total: 1, bySeverity: { critical: 1 } },
      ]);
      expect(stats.latency.primary?.count).toBe(6);
      // Bucket 5 is (7, 10] ms: five of six samples sit there, so p50 is its upper bound.
      expect(stats.latency.primary?.p50).toBe(10);
      expect(stats.latency.primary?.p99).toBe(50);
      expect(stats.latency.shadow?.p50).toBe(100);
      expect(stats.responses).toEqual({ primary: { '2xx': 5 }, shadow: { '2xx': 4, '5xx': 1 } });
      expect(stats.series).toEqual([{ at: now, outcomes: { match: 3, diff: 3, orphan: 2 } }]);
    });

    it('adds up suppressed findings, orphans by missing role and unmirrored requests', async () => {
      const a = harness.connect();
      const b = harness.connect();
      const route = 'GET /noise';
      await a.record({
        stats: [
          delta({
            service,
            route,
            minute: now,
            outcomes: { match: 2, orphan: 1 },
            suppressed: [
              { kind: 'body', path: '/requestId', reason: 'volatile', count: 2 },
              { kind: 'header', path: 'date', reason: 'volatile', count: 2 },
            ],
            missing: { shadow: 1 },
            unmirrored: { method: 3 },
          }),
        ],
        examples: [],
      });
      await b.record({
        stats: [
          delta({
            service,
            route,
            minute: now,
            outcomes: { orphan: 1 },
            suppressed: [{ kind: 'body', path: '/requestId', reason: 'learned', count: 1 }],
            missing: { shadow: 1 },
            unmirrored: { method: 1, sampled_out: 4 },
          }),
        ],
        examples: [],
      });
      const stats = await a.stats({ service, route, from: now, to: now + MINUTE });
      expect(stats.suppressed).toEqual([
        { kind: 'body', path: '/requestId', total: 3, byReason: { volatile: 2, learned: 1 } },
        { kind: 'header', path: 'date', total: 2, byReason: { volatile: 2 } },
      ]);
      expect(stats.missing).toEqual({ shadow: 2 });
      expect(stats.unmirrored).toEqual({ method: 4, sampled_out: 4 });
      const none = await a.stats({ service, route: 'GET /none', from: now, to: now + MINUTE });
      expect(none.suppressed).toEqual([]);
      expect(none.missing).toEqual({});
      expect(none.unmirrored).toEqual({});
    });

    it('answers a time range from minute buckets, and long ranges from hour buckets', async () => {
      const store = harness.connect();
      const route = 'GET /a';
      const earlier = now - 5 * MINUTE;
      await store.record({
        stats: [
          delta({ service, route, minute: earlier, outcomes: { match: 1 } }),
          delta({ service, route, minute: now, outcomes: { diff: 2 } }),
        ],
        examples: [],
      });
      const recent = await store.stats({ service, route, from: now, to: now + MINUTE });
      expect(recent.outcomes.match).toBe(0);
      expect(recent.outcomes.diff).toBe(2);
      const both = await store.stats({ service, route, from: earlier, to: now + MINUTE });
      expect(both.bucketMs).toBe(MINUTE);
      expect(both.series.map((s) => s.at)).toEqual([earlier, now]);
      const day = await store.stats({ service, route, from: now - 86_400_000, to: now + MINUTE });
      expect(day.bucketMs).toBe(3_600_000);
      expect(day.pairs).toBe(3);
      const other = await store.stats({
        service,
        route: 'GET /b',
        from: earlier,
        to: now + MINUTE,
      });
      expect(other.pairs).toBe(0);
      expect(other.paths).toEqual([]);
    });

    it('answers many routes at once with the numbers stats() gives, without the series', async () => {
      const a = harness.connect();
      const b = harness.connect();
      const earlier = now - 3 * MINUTE;
      await a.record({
        stats: [
          delta({
            service,
            route: 'GET /m1',
            minute: earlier,
            outcomes: { match: 4, diff: 1 },
            diffs: [{ kind: 'body', path: '/x', severity: 'minor', count: 1 }],
            latency: { primary: { 3: 5 } },
            responses: { primary: { '2xx': 5 } },
            suppressed: [{ kind: 'body', path: '/id', reason: 'volatile', count: 5 }],
          }),
          delta({
            service,
            route: 'GET /m2',
            minute: now,
            outcomes: { orphan: 2 },
            missing: { shadow: 2 },
          }),
        ],
        examples: [],
      });
      await b.record({
        stats: [
          delta({
            service,
            route: 'GET /m1',
            minute: now,
            outcomes: { match: 1, diff: 2 },
            diffs: [{ kind: 'body', path: '/x', severity: 'major', count: 2 }],
            latency: { primary: { 3: 1, 9: 2 } },
            unmirrored: { method: 3 },
          }),
        ],
        examples: [],
      });
      const queries = [
        { service, route: 'GET /m1', from: earlier, to: now + MINUTE },
        { service, route: 'GET /m2', from: earlier, to: now + MINUTE },
        { service, route: 'GET /none', from: earlier, to: now + MINUTE },
        { service, route: 'GET /m1', from: now - 86_400_000, to: now + MINUTE },
      ];
      const many = await a.statsMany(queries);
      expect(many).toHaveLength(4);
      for (let i = 0; i < queries.length; i++) {
        const one = await a.stats(queries[i]!);
        expect(many[i]).toEqual({ ...one, series: [] });
      }
      expect(many[0]!.outcomes).toEqual({ match: 5, diff: 3, orphan: 0, error: 0 });
      expect(many[0]!.latency.primary?.count).toBe(8);
      expect(many[3]!.bucketMs).toBe(3_600_000);
      expect(many[3]!.pairs).toBe(8);
      expect(await a.statsMany([])).toEqual([]);
    });

    it('answers a many-route range that spans whole hours with the same numbers as stats()', async () => {
      const store = harness.connect();
      const route = 'GET /hours';
      const hour = Math.floor(now / 3_600_000) * 3_600_000;
      // Minutes in a whole hour two hours back, at its edges, and in the current (partial) hour.
      const minutes = [
        hour - 2 * 3_600_000,
        hour - 3_600_000 - MINUTE,
        hour - 3_600_000,
        hour - MINUTE,
        now,
      ];
      await store.record({
        stats: minutes.map((minute, i) =>
          delta({
            service,
            route,
            minute,
            outcomes: { match: i + 1 },
            latency: { shadow: { [i]: 1 } },
          }),
        ),
        examples: [],
      });
      for (const from of [
        now - 6 * 3_600_000 + MINUTE,
        hour - 2 * 3_600_000 + 30 * MINUTE,
        hour - 3_600_000,
      ]) {
        const query = { service, route, from, to: now + MINUTE };
        const [many] = await store.statsMany([query]);
        expect(many).toEqual({ ...(await store.stats(query)), series: [] });
      }
      const [all] = await store.statsMany([
        { service, route, from: now - 6 * 3_600_000 + MINUTE, to: now + MINUTE },
      ]);
      expect(all!.pairs).toBe(15);
    });

    it('keeps the newest examples per route, kind and path, halves byte for byte', async () => {
      const store = harness.connect();
      const route = 'GET /x';
      const write = (traceId: string, path = '/a') => ({
        service,
        route,
        kind: 'body' as const,
        path,
        example: example(traceId, [0, 1, 0xfe, traceId.length]),
      });
      await store.record({ stats: [], examples: [write('t1'), write('t2')] });
      await store.record({ stats: [], examples: [write('t3'), write('t4'), write('o1', '/b')] });
      const got = await store.examples({ service, route, kind: 'body', path: '/a' });
      expect(got.map((e) => e.verdict.traceId)).toEqual(['t4', 't3', 't2']);
      expect(Array.from(got[0]!.halves.primary!)).toEqual([0, 1, 0xfe, 2]);
      expect(Array.from(got[0]!.halves.shadow!)).toEqual([0xff]);
      expect(got[0]!.verdict.diffs[0]).toMatchObject({ path: '/a', primary: 1, shadow: 2 });
      const limited = await store.examples({ service, route, kind: 'body', path: '/a', limit: 1 });
      expect(limited.map((e) => e.verdict.traceId)).toEqual(['t4']);
      const b = await store.examples({ service, route, kind: 'body', path: '/b' });
      expect(b.map((e) => e.verdict.traceId)).toEqual(['o1']);
      expect(await store.examples({ service, route, kind: 'header', path: '/a' })).toEqual([]);
    });

    it('lists routes with data, most recent first', async () => {
      const store = harness.connect();
      const before = Date.now();
      await store.record({
        stats: [delta({ service, route: 'GET /one', minute: now, outcomes: { match: 1 } })],
        examples: [],
      });
      await new Promise((r) => setTimeout(r, 5));
      await store.record({
        stats: [delta({ service, route: 'GET /two', minute: now, outcomes: { match: 1 } })],
        examples: [],
      });
      const mine = (await store.routes({ since: before })).filter((r) => r.service === service);
      expect(mine.map((r) => r.route)).toEqual(['GET /two', 'GET /one']);
      expect(mine[0]!.lastSeen).toBeGreaterThanOrEqual(before);
      const future = (await store.routes({ since: Date.now() + 60_000 })).filter(
        (r) => r.service === service,
      );
      expect(future).toEqual([]);
    });
  });
  // Diff sets (retroactive recount) and paired latency: every store, same harness.
  sampleStoreRecountContract(name, setup);
}
