import { SAMPLE_LATENCY_BOUNDS_MS } from './sample-store.js';

/**
 * Paired latency: for every pair where both the primary and the shadow answered, the ratio
 * shadow / primary and the difference shadow - primary of the two service times of the SAME
 * request. Load, payload size and cache state hit both sides of a pair alike, so their medians
 * say how much slower the shadow is on this traffic, where two independent p50s only say that
 * the two sides saw different moments.
 *
 * Both are kept as small fixed histograms per route and bucket (summable across workers, bounded):
 *   ratio: steps of 2^(1/8) (~9%) from 1/32 to 32 (81 counters);
 *   delta: the latency bounds (1-2-3-5 ms steps) on each side of zero (50 counters).
 */
export const PAIRED_RATIO_STEPS_PER_DOUBLING = 8;
/** Ratio histogram bucket k (-40..40) holds ratios in (2^((k-1)/8), 2^(k/8)]; the ends are open. */
export const PAIRED_RATIO_MAX_STEP = 40;
export const PAIRED_RATIO_BUCKETS = 2 * PAIRED_RATIO_MAX_STEP + 1;
const BOUNDS = SAMPLE_LATENCY_BOUNDS_MS;
/** Delta buckets: BOUNDS.length + 1 below zero (most negative first), as many at zero and above. */
export const PAIRED_DELTA_BUCKETS = 2 * (BOUNDS.length + 1);

/** Latencies under this are read as this (a 0 ms answer would make every ratio infinite). */
const FLOOR_MS = 0.5;

/** Index (0-based) in the ratio histogram of shadow / primary. */
export function pairedRatioBucket(shadowMs: number, primaryMs: number): number {
  const r = Math.max(shadowMs, FLOOR_MS) / Math.max(primaryMs, FLOOR_MS);
  const k = Math.ceil(Math.log2(r) * PAIRED_RATIO_STEPS_PER_DOUBLING - 1e-9);
  return (
    Math.min(PAIRED_RATIO_MAX_STEP, Math.max(-PAIRED_RATIO_MAX_STEP, k)) + PAIRED_RATIO_MAX_STEP
  );
}

function magnitudeBucket(ms: number): number {
  let i = 0;
  while (i < BOUNDS.length && ms > BOUNDS[i]!) i++;
  return i;
}

/** Index (0-based) in the delta histogram of shadow - primary (ms). */
export function pairedDeltaBucket(deltaMs: number): number {
  const zero = BOUNDS.length + 1;
  return deltaMs >= 0 ? zero + magnitudeBucket(deltaMs) : zero - 1 - magnitudeBucket(-deltaMs);
}

/** Lower and upper edge of a ratio bucket (the end buckets reach 0 and Infinity). */
export function pairedRatioEdges(index: number): [number, number] {
  const k = index - PAIRED_RATIO_MAX_STEP;
  const low = k === -PAIRED_RATIO_MAX_STEP ? 0 : 2 ** ((k - 1) / PAIRED_RATIO_STEPS_PER_DOUBLING);
  const high = k === PAIRED_RATIO_MAX_STEP ? Infinity : 2 ** (k / PAIRED_RATIO_STEPS_PER_DOUBLING);
  return [low, high];
}

/** Lower and upper edge (ms) of a delta bucket. */
export function pairedDeltaEdges(index: number): [number, number] {
  const zero = BOUNDS.length + 1;
  if (index >= zero) {
    const i = index - zero;
    return [i === 0 ? 0 : BOUNDS[i - 1]!, BOUNDS[i] ?? Infinity];
  }
  const i = zero - 1 - index;
  return [-(BOUNDS[i] ?? Infinity), i === 0 ? 0 : -BOUNDS[i - 1]!];
}

/** Paired latency of a route over a range: dense histograms, index-aligned as above. */
export interface PairedLatency {
  /** Pairs with both latencies. */
  count: number;
  ratio: number[];
  delta: number[];
}

export function emptyPairedLatency(): PairedLatency {
  return {
    count: 0,
    ratio: new Array<number>(PAIRED_RATIO_BUCKETS).fill(0),
    delta: new Array<number>(PAIRED_DELTA_BUCKETS).fill(0),
  };
}

/** When a route's shadow counts as slower (see {@link latencyDrift}); documented defaults. */
export interface LatencyDriftOptions {
  /** Median paired ratio shadow / primary at or above which the shadow is slower. Default 1.5. */
  ratio: number;
  /** Median paired difference (ms) at or above which it matters. Default 5. */
  minDeltaMs: number;
  /** Pairs needed before a route can be flagged. Default 10. */
  minPairs: number;
}

export const LATENCY_DRIFT_DEFAULTS: Readonly<LatencyDriftOptions> = Object.freeze({
  ratio: 1.5,
  minDeltaMs: 5,
  minPairs: 10,
});

export interface LatencyDrift {
  /** Pairs the figures are over. */
  pairs: number;
  /** Median of shadow / primary over the pairs (interpolated in its bucket); null without pairs. */
  ratio: number | null;
  /** 95% interval of that median (distribution-free, from order statistics; bucket edges). */
  ratioInterval: { low: number; high: number } | null;
  /** Median of shadow - primary, ms; null without pairs. */
  deltaMs: number | null;
  deltaInterval: { low: number; high: number } | null;
  /** Share of pairs where the shadow was slower by more than 1 ms (the sign test's count). */
  slowerShare: number | null;
  /**
   * `slower`: the median ratio and difference are at or over the thresholds AND the interval's
   * low ends are over 1 and 0 (the shadow is slower on most pairs, not by chance);
   * `ok`: enough pairs and not slower; `insufficient`: fewer than `minPairs` pairs.
   */
  status: 'slower' | 'ok' | 'insufficient';
  thresholds: LatencyDriftOptions;
}

/**
 * 1-based ranks (l, u) of the order statistics bounding the median at ~95% two-sided: the
 * largest l with P(Bin(n, 1/2) < l) <= 2.5% (the sign test inverted), u = n + 1 - l. Null when
 * n is too small for any bound (n < 6).
 */
export function medianRanks(n: number): { low: number; high: number } | null {
  if (n < 6) return null;
  let l: number;
  if (n > 1000) {
    l = Math.floor(n / 2 - (1.96 * Math.sqrt(n)) / 2);
  } else {
    // P(X <= k) for X ~ Binomial(n, 1/2), summed term by term; l is the first k where it passes.
    let term = Math.pow(0.5, n);
    let cdf = term;
    l = 0;
    while (cdf <= 0.025) {
      l++;
      term = (term * (n - l + 1)) / l;
      cdf += term;
    }
  }
  l = Math.max(1, l);
  return { low: l, high: n + 1 - l };
}

/** Index of the bucket holding the rank-th smallest value (1-based). */
function bucketAtRank(histogram: readonly number[], rank: number): number {
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return i;
  }
  return histogram.length - 1;
}

/** Median read from a histogram, interpolated linearly between its bucket's (finite) edges. */
function medianOf(
  histogram: readonly number[],
  total: number,
  edges: (i: number) => [number, number],
  log: boolean,
): number {
  const rank = total / 2;
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    const n = histogram[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const [edgeLow, high] = edges(i);
      let low = edgeLow;
      if (!Number.isFinite(high)) return low;
      if (log && low <= 0) low = high / 2 ** (1 / PAIRED_RATIO_STEPS_PER_DOUBLING);
      if (!Number.isFinite(low)) return high;
      const f = Math.min(1, Math.max(0, (rank - seen) / n));
      return log ? low * (high / low) ** f : low + (high - low) * f;
    }
    seen += n;
  }
  return 0;
}

/**
 * Whether the shadow is significantly slower than the primary on the same requests. The point
 * figures are the medians of the paired ratio and difference; the intervals are the order
 * statistics at the sign test's ranks ({@link medianRanks}), read conservatively at their
 * buckets' edges (low end at the lower edge, high end at the upper edge). No bootstrap, no
 * normality assumption: a route where both sides are equally noisy has a median ratio near 1 and
 * an interval that straddles 1, so it is never flagged however noisy it is.
 */
export function latencyDrift(
  paired: PairedLatency | undefined,
  options: Partial<LatencyDriftOptions> = {},
): LatencyDrift {
  const thresholds: LatencyDriftOptions = { ...LATENCY_DRIFT_DEFAULTS, ...options };
  const n = paired?.count ?? 0;
  if (!paired || n === 0) {
    return {
      pairs: 0,
      ratio: null,
      ratioInterval: null,
      deltaMs: null,
      deltaInterval: null,
      slowerShare: null,
      status: 'insufficient',
      thresholds,
    };
  }
  const ratio = medianOf(paired.ratio, n, pairedRatioEdges, true);
  const deltaMs = medianOf(paired.delta, n, pairedDeltaEdges, false);
  const ranks = medianRanks(n);
  const ratioInterval = ranks && {
    low: pairedRatioEdges(bucketAtRank(paired.ratio, ranks.low))[0],
    high: pairedRatioEdges(bucketAtRank(paired.ratio, ranks.high))[1],
  };
  const deltaInterval = ranks && {
    low: pairedDeltaEdges(bucketAtRank(paired.delta, ranks.low))[0],
    high: pairedDeltaEdges(bucketAtRank(paired.delta, ranks.high))[1],
  };
  // Slower by more than the finest step: the buckets above (0, 1 ms].
  const zero = BOUNDS.length + 1;
  const slower = paired.delta.slice(zero + 1).reduce((a, b) => a + b, 0);
  let status: LatencyDrift['status'];
  if (n < thresholds.minPairs || !ratioInterval || !deltaInterval) status = 'insufficient';
  else if (
    ratio >= thresholds.ratio &&
    deltaMs >= thresholds.minDeltaMs &&
    ratioInterval.low > 1 &&
    deltaInterval.low > 0
  )
    status = 'slower';
  else status = 'ok';
  return {
    pairs: n,
    ratio,
    ratioInterval,
    deltaMs,
    deltaInterval,
    slowerShare: slower / n,
    status,
    thresholds,
  };
}
