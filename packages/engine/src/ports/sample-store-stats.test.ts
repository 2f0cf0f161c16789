import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SAMPLE_LATENCY_BOUNDS_MS } from './sample-store.js';
import {
  bucketStarts,
  histogramQuantile,
  latencyBucket,
  statsBucketMs,
} from './sample-store-stats.js';

describe('sample store statistics helpers', () => {
  it('puts a latency in the first bucket whose bound holds it', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(1.5)).toBe(1);
    expect(latencyBucket(10)).toBe(5);
    expect(latencyBucket(1e9)).toBe(SAMPLE_LATENCY_BOUNDS_MS.length);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (ms) => {
        const i = latencyBucket(ms);
        if (i < SAMPLE_LATENCY_BOUNDS_MS.length)
          expect(ms).toBeLessThanOrEqual(SAMPLE_LATENCY_BOUNDS_MS[i]!);
        if (i > 0) expect(ms).toBeGreaterThan(SAMPLE_LATENCY_BOUNDS_MS[i - 1]!);
      }),
    );
  });

  it('reads quantiles as bucket upper bounds', () => {
    const h = new Array<number>(SAMPLE_LATENCY_BOUNDS_MS.length + 1).fill(0);
    expect(histogramQuantile(h, 0.5)).toBe(0);
    h[latencyBucket(4)] = 98;
    h[latencyBucket(400)] = 2;
    expect(histogramQuantile(h, 0.5)).toBe(5);
    expect(histogramQuantile(h, 0.98)).toBe(5);
    expect(histogramQuantile(h, 0.99)).toBe(500);
    h[SAMPLE_LATENCY_BOUNDS_MS.length] = 1000;
    expect(histogramQuantile(h, 0.99)).toBe(Infinity);
  });

  it('chooses minute buckets up to 6 h and aligns bucket starts', () => {
    expect(statsBucketMs({ from: 0, to: 6 * 3_600_000 })).toBe(60_000);
    expect(statsBucketMs({ from: 0, to: 6 * 3_600_000 + 1 })).toBe(3_600_000);
    expect(bucketStarts(61_000, 180_000, 60_000)).toEqual([60_000, 120_000]);
    expect(bucketStarts(60_000, 60_000, 60_000)).toEqual([]);
  });
});
