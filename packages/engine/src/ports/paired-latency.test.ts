import { describe, expect, it } from 'vitest';
import {
  emptyPairedLatency,
  latencyDrift,
  medianRanks,
  pairedDeltaBucket,
  pairedDeltaEdges,
  pairedRatioBucket,
  pairedRatioEdges,
} from './paired-latency.js';
import type { PairedLatency } from './paired-latency.js';

/** Deterministic pseudo-random numbers in [0, 1) (a test needs the same draws every run). */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return x / 2 ** 32;
  };
}

function pairs(list: [shadow: number, primary: number][]): PairedLatency {
  const p = emptyPairedLatency();
  for (const [s, q] of list) {
    p.ratio[pairedRatioBucket(s, q)]!++;
    p.delta[pairedDeltaBucket(s - q)]!++;
    p.count++;
  }
  return p;
}

describe('paired latency buckets', () => {
  it('put a ratio and a difference between their bucket edges', () => {
    for (const [s, p] of [
      [30, 10],
      [10, 30],
      [10, 10],
      [11, 10],
      [0, 4],
      [5_000, 1],
    ] as const) {
      const [low, high] = pairedRatioEdges(pairedRatioBucket(s, p));
      const r = Math.max(s, 0.5) / Math.max(p, 0.5);
      expect(r).toBeGreaterThan(low);
      expect(r).toBeLessThanOrEqual(high);
    }
    for (const d of [-40, -1, 0, 0.5, 1, 7, 20, 31, 99_999]) {
      const [low, high] = pairedDeltaEdges(pairedDeltaBucket(d));
      expect(d).toBeGreaterThanOrEqual(low);
      expect(d).toBeLessThanOrEqual(high);
    }
  });
});

describe('medianRanks', () => {
  it('are the sign test ranks of a 95% interval of the median', () => {
    expect(medianRanks(5)).toBeNull();
    expect(medianRanks(6)).toEqual({ low: 1, high: 6 });
    // P(Bin(10, 1/2) <= 1) = 1.07% <= 2.5% < P(<= 2) = 5.5%.
    expect(medianRanks(10)).toEqual({ low: 2, high: 9 });
    expect(medianRanks(100)).toEqual({ low: 40, high: 61 });
    expect(medianRanks(10_000)?.low).toBe(4902);
  });
});

describe('latencyDrift', () => {
  it('flags a shadow 3x slower on the same requests, from 10 pairs, though the load varies', () => {
    const next = rng(7);
    const list: [number, number][] = [];
    for (let i = 0; i < 10; i++) {
      const primary = 8 + next() * 6; // 8..14 ms, varying with load
      list.push([primary * 3 * (0.9 + next() * 0.2), primary]);
    }
    const drift = latencyDrift(pairs(list));
    expect(drift.status).toBe('slower');
    expect(drift.ratio).toBeGreaterThan(2.5);
    expect(drift.ratio).toBeLessThan(3.5);
    expect(drift.ratioInterval!.low).toBeGreaterThan(1.5);
    expect(drift.deltaMs).toBeGreaterThan(15);
    expect(drift.slowerShare).toBe(1);
  });

  it('does not flag a noisy route where both sides are alike, however noisy', () => {
    const next = rng(11);
    const list: [number, number][] = [];
    for (let i = 0; i < 400; i++) list.push([5 + next() * 200, 5 + next() * 200]);
    const drift = latencyDrift(pairs(list));
    expect(drift.status).toBe('ok');
    expect(drift.ratioInterval!.low).toBeLessThan(1);
    expect(drift.ratioInterval!.high).toBeGreaterThan(1);
  });

  it('does not flag a shadow that is much slower in ratio but under the absolute floor', () => {
    const drift = latencyDrift(pairs(Array.from({ length: 50 }, () => [3, 1] as [number, number])));
    expect(drift.ratio).toBeGreaterThan(2.5);
    expect(drift.deltaMs).toBeLessThan(5);
    expect(drift.status).toBe('ok');
  });

  it('does not flag a few slow pairs among many equal ones, nor decide before minPairs', () => {
    const list: [number, number][] = Array.from({ length: 40 }, () => [10, 10]);
    for (let i = 0; i < 15; i++) list.push([100, 10]);
    expect(latencyDrift(pairs(list)).status).toBe('ok');
    const few = latencyDrift(pairs(Array.from({ length: 9 }, () => [30, 10] as [number, number])));
    expect(few.status).toBe('insufficient');
    expect(
      latencyDrift(pairs(Array.from({ length: 9 }, () => [30, 10] as [number, number])), {
        minPairs: 6,
      }).status,
    ).toBe('slower');
    expect(latencyDrift(undefined).status).toBe('insufficient');
    expect(latencyDrift(emptyPairedLatency()).ratio).toBeNull();
  });

  it('takes the ratio threshold as an option (what gate --max-latency-ratio sets)', () => {
    const list = Array.from({ length: 30 }, () => [20, 10] as [number, number]);
    expect(latencyDrift(pairs(list)).status).toBe('slower');
    expect(latencyDrift(pairs(list), { ratio: 2.5 }).status).toBe('ok');
  });
});
