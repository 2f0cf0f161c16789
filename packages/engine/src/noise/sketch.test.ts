import { describe, expect, it } from 'vitest';
import { KmvSketch, NOISE_SKETCH_SIZE, estimateDistinct, hash32 } from './sketch.js';

describe('KMV sketch', () => {
  it('counts exactly below k and ignores repeats', () => {
    const s = new KmvSketch();
    for (let i = 0; i < 100; i++) s.add(hash32(`v${i % 40}`));
    expect(s.estimate()).toBe(40);
  });

  it('estimates large counts within a few standard errors, with bounded memory', () => {
    for (const n of [1_000, 20_000]) {
      const s = new KmvSketch();
      for (let i = 0; i < n; i++) s.add(hash32(`value-${i}`));
      expect(s.size).toBe(NOISE_SKETCH_SIZE);
      expect(Math.abs(s.estimate() - n) / n).toBeLessThan(0.3);
    }
  });

  it('merges windows exactly: the union of sketches equals one sketch over all values', () => {
    const whole = new KmvSketch();
    const parts = [new KmvSketch(), new KmvSketch(), new KmvSketch()];
    for (let i = 0; i < 5_000; i++) {
      const h = hash32(`x${i}`);
      whole.add(h);
      parts[i % 3]!.add(h);
    }
    const merged = new KmvSketch();
    for (const p of parts) merged.addAll(p.hashes());
    expect(merged.hashes()).toEqual(whole.hashes());
    expect(estimateDistinct(merged.size, merged.hashes().at(-1))).toBe(whole.estimate());
  });
});
