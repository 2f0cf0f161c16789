import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SAMPLING_BUCKETS, isSampled, samplingBucket } from './sampling.js';

describe('samplingBucket', () => {
  it('is a pure function of the trace id, in range', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        const b = samplingBucket(id);
        expect(b).toBe(samplingBucket(`${id}`));
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(SAMPLING_BUCKETS);
      }),
    );
  });

  it('pins known values, so every tap implementation buckets alike', () => {
    // FNV-1a 32-bit: "" -> 0x811c9dc5 = 2166136261; "a" -> 0xe40c292c = 3826002220.
    expect(samplingBucket('')).toBe(2166136261 % SAMPLING_BUCKETS);
    expect(samplingBucket('a')).toBe(3826002220 % SAMPLING_BUCKETS);
  });

  it('spreads random trace ids roughly evenly', () => {
    const ids = fc.sample(fc.stringMatching(/^[0-9a-f]{32}$/), { numRuns: 20_000, seed: 7 });
    const sampled = ids.filter((id) => isSampled(id, 25)).length / ids.length;
    expect(sampled).toBeGreaterThan(0.23);
    expect(sampled).toBeLessThan(0.27);
  });
});

describe('isSampled', () => {
  it('takes none at 0 %, all at 100 %, and is monotonic in the percent', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (id, a, b) => {
          expect(isSampled(id, 0)).toBe(false);
          expect(isSampled(id, 100)).toBe(true);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          if (isSampled(id, lo)) expect(isSampled(id, hi)).toBe(true);
        },
      ),
    );
  });
});
