export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Rate over the middle of a run (10th to 90th percentile of event times): no start-up or tail. */
export function sustainedRate(times: number[]): number {
  if (times.length < 10) return NaN;
  const sorted = [...times].sort((a, b) => a - b);
  const a = percentile(sorted, 0.1);
  const b = percentile(sorted, 0.9);
  return b > a ? (0.8 * sorted.length) / ((b - a) / 1000) : NaN;
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';
