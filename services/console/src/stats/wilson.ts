/** z for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for a proportion `successes / n`. Unlike the normal approximation it stays
 * inside [0, 1] and is honest at 0 or n successes and at small n — exactly the cases a diff rate
 * lives in (0 diffs out of 500 is not "0% for sure"). n = 0 gives [0, 1]: no evidence at all.
 */
export function wilsonInterval(successes: number, n: number, z = Z_95): Interval {
  if (!(n > 0)) return { low: 0, high: 1 };
  const k = Math.min(Math.max(successes, 0), n);
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Exact at the edges: floating point must not put 0/n above 0 or n/n below 1.
  return {
    low: k === 0 ? 0 : Math.max(0, center - half),
    high: k === n ? 1 : Math.min(1, center + half),
  };
}
