import { OUTCOMES } from '@shadowdiff/contracts';
import type { DiffKind, Outcome, Role, Severity, SuppressReason } from '@shadowdiff/contracts';
import { emptyPairedLatency } from './paired-latency.js';
import {
  DIFF_SETS_PER_READ,
  SAMPLE_LATENCY_BOUNDS_MS,
  STATS_HOUR_MS,
  STATS_MINUTE_MS,
} from './sample-store.js';
import type {
  DiffSetCount,
  LatencySummary,
  PathStats,
  RouteStats,
  RouteStatsDelta,
  StatsQuery,
  SuppressedStats,
} from './sample-store.js';

/** Bucket index of a latency in the compact histogram (binary search over the bounds). */
export function latencyBucket(ms: number): number {
  let lo = 0;
  let hi = SAMPLE_LATENCY_BOUNDS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ms <= SAMPLE_LATENCY_BOUNDS_MS[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Upper bound of the bucket holding quantile `q` (0..1); 0 for an empty histogram. */
export function histogramQuantile(histogram: readonly number[], q: number): number {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return SAMPLE_LATENCY_BOUNDS_MS[i] ?? Infinity;
  }
  return Infinity;
}

export function summarizeLatency(histogram: number[]): LatencySummary {
  return {
    count: histogram.reduce((a, b) => a + b, 0),
    p50: histogramQuantile(histogram, 0.5),
    p90: histogramQuantile(histogram, 0.9),
    p99: histogramQuantile(histogram, 0.99),
    histogram,
  };
}

/** The bucket width a stats query reads: minutes up to 6 h, hours beyond. */
export function statsBucketMs(query: Pick<StatsQuery, 'from' | 'to'>): number {
  return query.to - query.from <= 6 * STATS_HOUR_MS ? STATS_MINUTE_MS : STATS_HOUR_MS;
}

/** A diff set's key: its paths joined by a unit separator (never inside a kind or a sane path). */
export const DIFF_SET_SEPARATOR = '\u001f';

export function diffSetKey(paths: readonly string[]): string {
  return paths.join(DIFF_SET_SEPARATOR);
}

/** Bucket starts covering [from, to) at the given width. */
export function bucketStarts(from: number, to: number, width: number): number[] {
  const out: number[] = [];
  for (let at = Math.floor(from / width) * width; at < to; at += width) out.push(at);
  return out;
}

/**
 * Accumulates stats buckets (deltas or stored buckets, same shape) into a RouteStats. Both stores
 * share it, so the console reads identical numbers from memory and from Redis.
 */
export class RouteStatsBuilder {
  private readonly outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<
    Outcome,
    number
  >;
  private late = 0;
  private readonly paths = new Map<string, PathStats>();
  private readonly latency = new Map<Role, number[]>();
  private readonly responses: Partial<Record<Role, Record<string, number>>> = {};
  private readonly suppressed = new Map<string, SuppressedStats>();
  private readonly missing: Partial<Record<Role, number>> = {};
  private readonly unmirrored: Record<string, number> = {};
  private readonly series: RouteStats['series'] = [];
  private readonly diffSets = new Map<string, DiffSetCount>();
  private diffSetsDropped = 0;
  private readonly paired = emptyPairedLatency();

  constructor(
    private readonly query: StatsQuery,
    private readonly bucketMs: number,
  ) {}

  add(at: number, bucket: Omit<RouteStatsDelta, 'service' | 'route' | 'minute'>): void {
    const seriesOutcomes: Partial<Record<Outcome, number>> = {};
    let any = false;
    for (const o of OUTCOMES) {
      const n = bucket.outcomes[o] ?? 0;
      if (n === 0) continue;
      this.outcomes[o] += n;
      seriesOutcomes[o] = n;
      any = true;
    }
    if (any) {
      const sets = bucket.diffSets ?? [];
      this.series.push({
        at,
        outcomes: seriesOutcomes,
        ...(sets.length > 0
          ? { diffSets: sets.map((x) => ({ paths: x.paths, count: x.count })) }
          : {}),
      });
    }
    this.late += bucket.late;
    for (const d of bucket.diffs) this.addPath(d.kind, d.path, d.severity, d.count);
    for (const [role, sparse] of Object.entries(bucket.latency) as [
      Role,
      Record<number, number>,
    ][]) {
      let dense = this.latency.get(role);
      if (!dense) {
        dense = new Array<number>(SAMPLE_LATENCY_BOUNDS_MS.length + 1).fill(0);
        this.latency.set(role, dense);
      }
      for (const [index, count] of Object.entries(sparse)) {
        const i = Math.min(Number(index), dense.length - 1);
        dense[i] = (dense[i] ?? 0) + count;
      }
    }
    for (const [role, classes] of Object.entries(bucket.responses) as [
      Role,
      Record<string, number>,
    ][]) {
      const into = (this.responses[role] ??= {});
      for (const [cls, count] of Object.entries(classes)) into[cls] = (into[cls] ?? 0) + count;
    }
    for (const s of bucket.suppressed ?? []) this.addSuppressed(s.kind, s.path, s.reason, s.count);
    for (const [role, count] of Object.entries(bucket.missing ?? {}) as [Role, number][]) {
      this.missing[role] = (this.missing[role] ?? 0) + count;
    }
    for (const [reason, count] of Object.entries(bucket.unmirrored ?? {})) {
      this.unmirrored[reason] = (this.unmirrored[reason] ?? 0) + count;
    }
    this.diffSetsDropped += bucket.diffSetsDropped ?? 0;
    for (const set of bucket.diffSets ?? []) {
      const key = diffSetKey(set.paths);
      const entry = this.diffSets.get(key);
      if (entry) entry.count += set.count;
      else if (this.diffSets.size < DIFF_SETS_PER_READ)
        this.diffSets.set(key, { paths: set.paths, count: set.count });
      else this.diffSetsDropped += set.count;
    }
    if (bucket.paired) {
      for (const [i, n] of Object.entries(bucket.paired.ratio)) {
        const at = Math.min(Math.max(0, Number(i)), this.paired.ratio.length - 1);
        this.paired.ratio[at] = (this.paired.ratio[at] ?? 0) + n;
        this.paired.count += n;
      }
      for (const [i, n] of Object.entries(bucket.paired.delta)) {
        const at = Math.min(Math.max(0, Number(i)), this.paired.delta.length - 1);
        this.paired.delta[at] = (this.paired.delta[at] ?? 0) + n;
      }
    }
  }

  private addSuppressed(kind: DiffKind, path: string, reason: SuppressReason, count: number): void {
    const key = `${kind} ${path}`;
    let entry = this.suppressed.get(key);
    if (!entry) {
      entry = { kind, path, total: 0, byReason: {} };
      this.suppressed.set(key, entry);
    }
    entry.total += count;
    entry.byReason[reason] = (entry.byReason[reason] ?? 0) + count;
  }

  private addPath(kind: DiffKind, path: string, severity: Severity, count: number): void {
    const key = `${kind} ${path}`;
    let entry = this.paths.get(key);
    if (!entry) {
      entry = { kind, path, total: 0, bySeverity: {} };
      this.paths.set(key, entry);
    }
    entry.total += count;
    entry.bySeverity[severity] = (entry.bySeverity[severity] ?? 0) + count;
  }

  build(): RouteStats {
    const latency: RouteStats['latency'] = {};
    for (const [role, dense] of this.latency) latency[role] = summarizeLatency(dense);
    const from = Math.floor(this.query.from / this.bucketMs) * this.bucketMs;
    return {
      service: this.query.service,
      route: this.query.route,
      from,
      to: this.query.to,
      bucketMs: this.bucketMs,
      outcomes: this.outcomes,
      pairs: OUTCOMES.reduce((sum, o) => sum + this.outcomes[o], 0),
      late: this.late,
      paths: [...this.paths.values()].sort(
        (a, b) => b.total - a.total || a.path.localeCompare(b.path),
      ),
      latency,
      responses: this.responses,
      suppressed: [...this.suppressed.values()].sort(
        (a, b) => b.total - a.total || a.path.localeCompare(b.path),
      ),
      missing: this.missing,
      unmirrored: this.unmirrored,
      diffSets: [...this.diffSets.values()].sort(
        (a, b) => b.count - a.count || diffSetKey(a.paths).localeCompare(diffSetKey(b.paths)),
      ),
      diffSetsDropped: this.diffSetsDropped,
      paired: this.paired,
      series: this.series.sort((a, b) => a.at - b.at),
    };
  }
}
