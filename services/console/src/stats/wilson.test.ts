import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.js';

describe('wilsonInterval', () => {
  it('matches published 95% values', () => {
    // Reference values from the closed form (Newcombe 1998, method 3).
    const a = wilsonInterval(5, 10);
    expect(a.low).toBeCloseTo(0.2366, 4);
    expect(a.high).toBeCloseTo(0.7634, 4);
    const b = wilsonInterval(0, 10);
    expect(b.low).toBe(0);
    expect(b.high).toBeCloseTo(0.2775, 4);
    const c = wilsonInterval(10, 10);
    expect(c.low).toBeCloseTo(0.7225, 4);
    expect(c.high).toBe(1);
    const d = wilsonInterval(50, 200);
    expect(d.low).toBeCloseTo(0.1951, 4);
    expect(d.high).toBeCloseTo(0.3143, 4);
  });

  it('says nothing is known without samples', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('always brackets the observed rate inside [0, 1] and narrows as n grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, share) => {
          const k = Math.round(n * share);
          const { low, high } = wilsonInterval(k, n);
          expect(low).toBeGreaterThanOrEqual(0);
          expect(high).toBeLessThanOrEqual(1);
          expect(low).toBeLessThanOrEqual(k / n + 1e-12);
          expect(high).toBeGreaterThanOrEqual(k / n - 1e-12);
          const wider = wilsonInterval(k, n);
          const narrower = wilsonInterval(k * 4, n * 4);
          expect(narrower.high - narrower.low).toBeLessThanOrEqual(wider.high - wider.low + 1e-12);
        },
      ),
    );
  });
});
