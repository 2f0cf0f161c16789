import { KmvSketch, NOISE_SKETCH_SIZE, hash32 } from '@shadowdiff/engine';
import type {
  NoiseEntryDelta,
  NoiseEntryStats,
  NoiseKey,
  NoiseSnapshot,
  NoiseStore,
} from '@shadowdiff/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueName } from '../names.js';

export interface NoiseStoreHarness {
  /** A store on the harness's shared state; network stores open a new client per call. */
  connect(): NoiseStore;
  close(): Promise<void>;
}

const ROUTE = 'GET /orders/{id}';

function entry(over: Partial<NoiseEntryDelta> & Pick<NoiseEntryDelta, 'path'>): NoiseEntryDelta {
  return {
    kind: 'body',
    aspect: 'value',
    firstAt: 0,
    changes: 0,
    other: 0,
    classes: {},
    hashes: [],
    rises: 0,
    steps: 0,
    sortedPrimary: 0,
    sortedShadow: 0,
    ...over,
  };
}

function find(
  snapshot: NoiseSnapshot,
  route: string,
  path: string,
  aspect = 'value',
): NoiseEntryStats {
  const r = snapshot.routes.find((x) => x.route === route);
  const e = r?.entries.find((x) => x.path === path && x.aspect === aspect);
  if (e === undefined) throw new Error(`no entry ${route} ${path} in ${JSON.stringify(snapshot)}`);
  return e;
}

function sketchOf(values: string[]): { hashes: number[]; sketch: KmvSketch } {
  const sketch = new KmvSketch();
  for (const v of values) sketch.add(hash32(v));
  return { hashes: sketch.hashes(), sketch };
}

/**
 * The behaviour every {@link NoiseStore} shares (memory, Redis): windows from any number of
 * writers add up (counts, first-seen offsets, KMV sketches merged exactly), learned marks are set
 * once, and user decisions persist apart from statistics.
 */
export function noiseStoreContract(name: string, setup: () => Promise<NoiseStoreHarness>): void {
  describe(`NoiseStore contract: ${name}`, () => {
    let harness: NoiseStoreHarness;
    let service: string;

    beforeEach(async () => {
      harness = await setup();
      service = uniqueName('svc');
    });
    afterEach(async () => {
      await harness.close();
    });

    it('adds windows up across writers, keeping where each entry first appeared', async () => {
      const a = harness.connect();
      const b = harness.connect();
      const first = sketchOf(['u1', 'u2', 'u3']);
      await a.record({
        service,
        routes: [
          {
            route: ROUTE,
            pairs: 10,
            entries: [
              entry({
                path: '/token',
                firstAt: 2,
                changes: 8,
                classes: { token: 7, text: 1 },
                hashes: first.hashes,
                rises: 3,
                steps: 5,
              }),
            ],
          },
        ],
      });
      const second = sketchOf(['u3', 'u4']);
      await b.record({
        service,
        routes: [
          {
            route: ROUTE,
            pairs: 6,
            entries: [
              entry({
                path: '/token',
                firstAt: 0,
                changes: 6,
                classes: { token: 6 },
                hashes: second.hashes,
              }),
              entry({
                path: '/tags',
                aspect: 'order',
                firstAt: 4,
                changes: 1,
                other: 1,
                sortedPrimary: 1,
                sortedShadow: 0,
              }),
              entry({ path: 'x-node', kind: 'header', changes: 2, classes: { id: 2 } }),
            ],
            secondary: {
              pairs: 6,
              paths: [{ kind: 'body', op: 'replace', path: '/host', secondary: 4, shadow: 5 }],
            },
          },
          { route: 'GET /health', pairs: 3, entries: [] },
        ],
      });
      await b.record({
        service,
        routes: [
          {
            route: ROUTE,
            pairs: 2,
            entries: [],
            secondary: {
              pairs: 2,
              paths: [{ kind: 'body', op: 'replace', path: '/host', secondary: 1, shadow: 2 }],
            },
          },
        ],
      });

      const snapshot = await harness.connect().load(service);
      expect(snapshot.service).toBe(service);
      const route = snapshot.routes.find((r) => r.route === ROUTE)!;
      expect(route.pairs).toBe(18);
      expect(snapshot.routes.find((r) => r.route === 'GET /health')?.pairs).toBe(3);
      expect(find(snapshot, ROUTE, '/token')).toMatchObject({
        kind: 'body',
        since: 2,
        changes: 14,
        other: 0,
        classes: { token: 13, text: 1 },
        distinct: 4,
        rises: 3,
        steps: 5,
      });
      expect(find(snapshot, ROUTE, '/token').learnedAt).toBeUndefined();
      expect(find(snapshot, ROUTE, '/tags', 'order')).toMatchObject({
        since: 14,
        changes: 1,
        other: 1,
        sortedPrimary: 1,
        sortedShadow: 0,
      });
      expect(find(snapshot, ROUTE, 'x-node')).toMatchObject({ kind: 'header', since: 10 });
      expect(route.secondary).toEqual({
        pairs: 8,
        paths: [{ kind: 'body', op: 'replace', path: '/host', secondary: 5, shadow: 7 }],
      });
      expect(snapshot.decisions).toEqual([]);
    });

    it('keeps distinct counts bounded and merges sketches exactly', async () => {
      const store = harness.connect();
      const all = new KmvSketch();
      for (let w = 0; w < 4; w++) {
        const values = Array.from({ length: 500 }, (_, i) => `w${w}-v${i}`);
        const { hashes } = sketchOf(values);
        all.addAll(hashes);
        expect(hashes.length).toBe(NOISE_SKETCH_SIZE);
        await store.record({
          service,
          routes: [
            { route: ROUTE, pairs: 500, entries: [entry({ path: '/id', changes: 500, hashes })] },
          ],
        });
      }
      const got = find(await store.load(service), ROUTE, '/id');
      expect(got.distinct).toBe(all.estimate());
      expect(Math.abs(got.distinct - 2000) / 2000).toBeLessThan(0.3);
    });

    it('marks entries learned once and never creates entries it does not know', async () => {
      const store = harness.connect();
      await store.record({
        service,
        routes: [{ route: ROUTE, pairs: 1, entries: [entry({ path: '/a', changes: 1 })] }],
      });
      const key = (path: string): NoiseKey => ({
        service,
        route: ROUTE,
        kind: 'body',
        aspect: 'value',
        path,
      });
      await store.markLearned(
        [
          { key: key('/a'), samples: 40 },
          { key: key('/ghost'), samples: 1 },
        ],
        1_000,
      );
      await harness.connect().markLearned([{ key: key('/a'), samples: 90 }], 2_000);
      const snapshot = await store.load(service);
      expect(find(snapshot, ROUTE, '/a')).toMatchObject({ learnedAt: 1_000, learnedSamples: 40 });
      expect(snapshot.routes[0]!.entries.map((e) => e.path)).toEqual(['/a']);
    });

    it('keeps user decisions apart from statistics, replaceable and clearable', async () => {
      const a = harness.connect();
      const key: NoiseKey = {
        service,
        route: ROUTE,
        kind: 'body',
        aspect: 'value',
        path: '/build',
      };
      expect(await a.decide(key, 'confirmed', 10, 'differs by design')).toBe(false);
      const other: NoiseKey = { ...key, aspect: 'order', path: '/tags' };
      expect(await a.decide(other, 'rejected', 11)).toBe(false);
      let snapshot = await harness.connect().load(service);
      expect(snapshot.routes).toEqual([]);
      expect(snapshot.decisions.sort((x, y) => x.at - y.at)).toEqual([
        {
          route: ROUTE,
          kind: 'body',
          aspect: 'value',
          path: '/build',
          decision: 'confirmed',
          at: 10,
          note: 'differs by design',
        },
        {
          route: ROUTE,
          kind: 'body',
          aspect: 'order',
          path: '/tags',
          decision: 'rejected',
          at: 11,
        },
      ]);
      expect(await a.decide(key, 'rejected', 12)).toBe(true);
      expect(await a.decide(other, undefined, 13)).toBe(true);
      expect(await a.decide(other, undefined, 14)).toBe(false);
      snapshot = await harness.connect().load(service);
      expect(snapshot.decisions).toEqual([
        {
          route: ROUTE,
          kind: 'body',
          aspect: 'value',
          path: '/build',
          decision: 'rejected',
          at: 12,
        },
      ]);
    });

    it('lists services with statistics or decisions and keeps them apart', async () => {
      const store = harness.connect();
      const other = uniqueName('svc');
      await store.record({ service, routes: [{ route: ROUTE, pairs: 4, entries: [] }] });
      await store.decide(
        { service: other, route: ROUTE, kind: 'header', aspect: 'value', path: 'x' },
        'confirmed',
        1,
      );
      const services = await store.services();
      expect(services).toEqual(expect.arrayContaining([service, other]));
      expect((await store.load(other)).routes).toEqual([]);
      expect((await store.load(service)).decisions).toEqual([]);
      expect(await store.load(uniqueName('none'))).toMatchObject({ routes: [], decisions: [] });
    });
  });
}
