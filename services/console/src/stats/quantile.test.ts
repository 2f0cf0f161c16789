import { SAMPLE_LATENCY_BOUNDS_MS, latencyBucket } from '@shadowdiff/engine';
import { describe, expect, it } from 'vitest';
import { interpolatedQuantile, mergeHistograms } from './quantile.js';

const empty = () => new Array<number>(SAMPLE_LATENCY_BOUNDS_MS.length + 1).fill(0);

describe('interpolatedQuantile', () => {
  it('interpolates inside the bucket holding the rank, like histogram_quantile', () => {
    const h = empty();
    h[latencyBucket(12)] = 100; // (10, 15]
    expect(interpolatedQuantile(h, 0.5)).toBeCloseTo(12.5, 9);
    expect(interpolatedQuantile(h, 0.99)).toBeCloseTo(14.95, 9);
    expect(interpolatedQuantile(h, 0)).toBe(10);
  });

  it('walks across buckets and caps the overflow bucket at the last bound', () => {
    const h = empty();
    h[latencyBucket(4)] = 90; // (3, 5]
    h[latencyBucket(400)] = 10; // (300, 500]
    expect(interpolatedQuantile(h, 0.5)).toBeCloseTo(3 + 2 * (50 / 90), 9);
    expect(interpolatedQuantile(h, 0.95)).toBeCloseTo(300 + 200 * 0.5, 9);
    h[SAMPLE_LATENCY_BOUNDS_MS.length] = 1000;
    expect(interpolatedQuantile(h, 0.99)).toBe(30_000);
    expect(interpolatedQuantile(empty(), 0.5)).toBeNull();
  });

  it('merges histograms bucket by bucket', () => {
    const a = empty();
    const b = empty();
    a[3] = 2;
    b[3] = 1;
    b[7] = 4;
    const m = mergeHistograms([a, b]);
    expect(m[3]).toBe(3);
    expect(m[7]).toBe(4);
    expect(m.reduce((x, y) => x + y, 0)).toBe(7);
  });
});
