import {
  DIFF_SETS_PER_BUCKET,
  latencyDrift,
  pairedDeltaBucket,
  pairedRatioBucket,
} from '@shadowdiff/engine';
import type { RouteStatsDelta } from '@shadowdiff/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueName } from '../names.js';
import type { SampleStoreContractSettings, SampleStoreHarness } from './sample-store-contract.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

function delta(
  over: Partial<RouteStatsDelta> & Pick<RouteStatsDelta, 'service' | 'route' | 'minute'>,
): RouteStatsDelta {
  return { outcomes: {}, late: 0, diffs: [], latency: {}, responses: {}, ...over };
}

/** Paired histograms of `n` pairs at shadow / primary ms. */
function paired(n: number, shadowMs: number, primaryMs: number): RouteStatsDelta['paired'] {
  return {
    ratio: { [pairedRatioBucket(shadowMs, primaryMs)]: n },
    delta: { [pairedDeltaBucket(shadowMs - primaryMs)]: n },
  };
}

/**
 * What a retroactive recount and the paired latency finding need from every SampleStore: diff
 * pairs by set of paths (added up across writers, capped per bucket with the overflow counted) and
 * paired latency histograms, identical from `stats` and `statsMany`, minute and hour buckets.
 */
export function sampleStoreRecountContract(
  name: string,
  setup: (settings: SampleStoreContractSettings) => Promise<SampleStoreHarness>,
): void {
  const settings: SampleStoreContractSettings = { examplesPerKey: 3 };

  describe(`SampleStore recount contract: ${name}`, () => {
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

    it('adds diff sets and paired latency up across writers, in stats and statsMany alike', async () => {
      const a = harness.connect();
      const b = harness.connect();
      const route = 'GET /recount';
      const earlier = now - 2 * MINUTE;
      await a.record({
        stats: [
          delta({
            service,
            route,
            minute: earlier,
            outcomes: { diff: 5 },
            diffSets: [
              { paths: ['body /tags'], count: 3 },
              { paths: ['body /tags', 'header etag'], count: 2 },
            ],
            diffSetsDropped: 1,
            paired: paired(5, 30, 10),
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
            outcomes: { diff: 4 },
            diffSets: [{ paths: ['body /tags'], count: 4 }],
            paired: paired(4, 29, 10),
          }),
        ],
        examples: [],
      });
      const query = { service, route, from: earlier, to: now + MINUTE };
      const stats = await a.stats(query);
      expect(stats.diffSets).toEqual([
        { paths: ['body /tags'], count: 7 },
        { paths: ['body /tags', 'header etag'], count: 2 },
      ]);
      expect(stats.diffSetsDropped).toBe(1);
      // Per bucket too, so a recount can redraw the series.
      expect(stats.series.map((b) => b.diffSets)).toEqual([
        [
          { paths: ['body /tags'], count: 3 },
          { paths: ['body /tags', 'header etag'], count: 2 },
        ],
        [{ paths: ['body /tags'], count: 4 }],
      ]);
      expect(stats.paired.count).toBe(9);
      expect(stats.paired.ratio.reduce((x, y) => x + y, 0)).toBe(9);
      expect(stats.paired.delta[pairedDeltaBucket(20)]).toBe(9);
      const drift = latencyDrift(stats.paired, { minPairs: 5 });
      expect(drift.status).toBe('slower');
      expect(drift.ratio).toBeGreaterThan(2.8);
      expect(drift.ratio).toBeLessThan(3.3);

      const day = { service, route, from: now - 24 * HOUR, to: now + MINUTE };
      const [many, manyDay] = await a.statsMany([query, day]);
      expect(many).toEqual({ ...stats, series: [] });
      const hourly = await a.stats(day);
      expect(hourly.bucketMs).toBe(HOUR);
      expect(manyDay).toEqual({ ...hourly, series: [] });
      expect(hourly.diffSets).toEqual(stats.diffSets);
      expect(hourly.paired).toEqual(stats.paired);

      const none = await a.stats({ ...query, route: 'GET /nothing' });
      expect(none.diffSets).toEqual([]);
      expect(none.diffSetsDropped).toBe(0);
      expect(none.paired.count).toBe(0);
    });

    it(`keeps at most ${DIFF_SETS_PER_BUCKET} distinct diff sets per bucket and counts the rest`, async () => {
      const a = harness.connect();
      const b = harness.connect();
      const route = 'GET /many-sets';
      const sets = (from: number, to: number) =>
        Array.from({ length: to - from }, (_, i) => ({ paths: [`body /f${from + i}`], count: 2 }));
      const first = DIFF_SETS_PER_BUCKET - 10;
      await a.record({
        stats: [
          delta({
            service,
            route,
            minute: now,
            outcomes: { diff: 2 * first },
            diffSets: sets(0, first),
          }),
        ],
        examples: [],
      });
      // A second writer adds 10 new sets up to the cap, 15 past it, and one the store already has.
      await b.record({
        stats: [
          delta({
            service,
            route,
            minute: now,
            outcomes: { diff: 2 * 26 },
            diffSets: [
              ...sets(first, DIFF_SETS_PER_BUCKET + 15),
              { paths: ['body /f0'], count: 2 },
            ],
          }),
        ],
        examples: [],
      });
      const stats = await a.stats({ service, route, from: now, to: now + MINUTE });
      expect(stats.diffSets).toHaveLength(DIFF_SETS_PER_BUCKET);
      expect(stats.diffSetsDropped).toBe(2 * 15);
      expect(stats.diffSets.find((s) => s.paths[0] === 'body /f0')?.count).toBe(4);
      const kept = stats.diffSets.reduce((n, s) => n + s.count, 0);
      expect(kept + stats.diffSetsDropped).toBe(stats.outcomes.diff);
    });
  });
}
