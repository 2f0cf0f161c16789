/**
 * Histogram bucket bounds, in **seconds** (the instruments' unit is `s`, Prometheus' base unit).
 * Upstream latency spans sub-millisecond cache hits to multi-second timeouts; pipeline lag is
 * dominated by the alignment window (seconds), so its bounds reach further. Fixed here (not left
 * to SDK defaults) because dashboards and alerts read `le` buckets.
 *
 * Metrics v2 (see packages/contracts/README.md): v1 recorded milliseconds with the same bounds
 * x 1000 (`le="25"` is now `le="0.025"`).
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30,
];

export const LAG_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300,
];

/** Milliseconds (what taps and the worker measure) to seconds (what the instruments record). */
export function msToSeconds(ms: number): number {
  return ms / 1000;
}
