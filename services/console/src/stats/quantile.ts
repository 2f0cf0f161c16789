import { SAMPLE_LATENCY_BOUNDS_MS } from '@shadowdiff/engine';

/**
 * Quantile `q` (0..1) of a dense latency histogram (index-aligned with SAMPLE_LATENCY_BOUNDS_MS plus
 * an overflow bucket), interpolated linearly inside the bucket that holds it — the way Prometheus'
 * `histogram_quantile` reads the same buckets, so the console and a dashboard agree. The store's own
 * summary reports bucket upper bounds, which jump in 1-2-3-5 steps: too coarse to compare p99s with
 * a 1.2 ratio. Past the last bound the last bound is returned; an empty histogram gives null.
 */
export function interpolatedQuantile(histogram: readonly number[], q: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let before = 0;
  for (let i = 0; i < histogram.length; i++) {
    const count = histogram[i] ?? 0;
    if (count > 0 && before + count >= rank) {
      const upper = SAMPLE_LATENCY_BOUNDS_MS[i];
      if (upper === undefined)
        return SAMPLE_LATENCY_BOUNDS_MS[SAMPLE_LATENCY_BOUNDS_MS.length - 1]!;
      const lower = i === 0 ? 0 : SAMPLE_LATENCY_BOUNDS_MS[i - 1]!;
      return lower + (upper - lower) * Math.max(0, (rank - before) / count);
    }
    before += count;
  }
  return SAMPLE_LATENCY_BOUNDS_MS[SAMPLE_LATENCY_BOUNDS_MS.length - 1]!;
}

/** Element-wise sum of dense histograms of possibly different lengths. */
export function mergeHistograms(histograms: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(SAMPLE_LATENCY_BOUNDS_MS.length + 1).fill(0);
  for (const h of histograms) {
    for (let i = 0; i < h.length; i++) {
      const at = Math.min(i, out.length - 1);
      out[at] = (out[at] ?? 0) + (h[i] ?? 0);
    }
  }
  return out;
}
