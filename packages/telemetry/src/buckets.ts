/**
 * Histogram bucket bounds, ms. Upstream latency spans sub-millisecond cache hits to multi-second
 * timeouts; pipeline lag is dominated by the alignment window (seconds), so its bounds reach
 * further. Fixed here (not left to SDK defaults) because dashboards and alerts read `le` buckets.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2, 5, 10, 25, 50, 75, 100, 150, 250, 500, 750, 1_000, 2_500, 5_000, 10_000, 30_000,
];

export const LAG_BUCKETS_MS: readonly number[] = [
  5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000,
  300_000,
];
