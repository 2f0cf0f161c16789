import { OUTCOMES, ROLES, SEVERITIES } from '@shadowdiff/contracts';
import type { DiffKind, Outcome, Role, Severity } from '@shadowdiff/contracts';
import { emptyPairedLatency, latencyDrift, summarizeLatency } from '@shadowdiff/engine';
import type { LatencyDrift, LatencyDriftOptions, PathStats, RouteStats } from '@shadowdiff/engine';
import { interpolatedQuantile, mergeHistograms } from './quantile.js';
import type { Recount } from './recount.js';
import { wilsonInterval } from './wilson.js';
import type { Interval } from './wilson.js';

export interface LatencyView {
  count: number;
  /** Interpolated percentiles, ms; null without samples. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** One route over a time range, as the overview table, the gate and the report read it. */
export interface RouteRow {
  service: string;
  route: string;
  /** Epoch ms of the newest write for the route (from the route index), when known. */
  lastSeen?: number;
  /** Every verdict: match + diff + orphan + error. */
  pairs: number;
  /** Pairs whose answers were compared: match + diff. The denominator of the diff rate. */
  compared: number;
  outcomes: Record<Outcome, number>;
  /** diff / compared; null when nothing was compared. */
  diffRate: number | null;
  /** Wilson 95% interval of the diff rate ([0, 1] when nothing was compared). */
  diffInterval: Interval;
  /** orphan / pairs; null without verdicts. */
  orphanRate: number | null;
  /** (5xx + no response) / responses seen, per role; null without responses. */
  errorRate: Record<'primary' | 'shadow', number | null>;
  /** Per side, and `drift`: the paired shadow-vs-primary finding (see latencyDrift). */
  latency: Record<'primary' | 'shadow', LatencyView> & { drift: LatencyDrift };
  /** Halves that arrived after their trace was decided. */
  late: number;
  /** Primary requests the tap did not mirror (all reasons). */
  unmirrored: number;
  /** Orphan verdicts by missing role. */
  missing: Partial<Record<Role, number>>;
  /** The path with most diffs, if any. */
  topPath?: { kind: DiffKind; path: string; total: number };
  /**
   * The most severe finding, if any: the path with the most diffs of the highest severity seen
   * (a 200 -> 503 on a few pairs outranks a changed `/total` on many).
   */
  worst?: { kind: DiffKind; path: string; severity: Severity; count: number; total: number };
  /** Present when learned or confirmed noise recounted this route's pairs judged before it. */
  recount?: Recount;
}

export interface SummarizeOptions {
  recount?: Recount;
  /** Thresholds of the latency drift finding (defaults: LATENCY_DRIFT_DEFAULTS). */
  latencyDrift?: Partial<LatencyDriftOptions>;
}

/** The path holding the most diffs of the most serious severity seen on the route. */
export function worstFinding(paths: readonly PathStats[]): RouteRow['worst'] {
  for (const severity of SEVERITIES) {
    let best: PathStats | undefined;
    for (const p of paths) {
      const n = p.bySeverity[severity] ?? 0;
      if (n > 0 && (!best || n > (best.bySeverity[severity] ?? 0))) best = p;
    }
    if (best) {
      return {
        kind: best.kind,
        path: best.path,
        severity,
        count: best.bySeverity[severity] ?? 0,
        total: best.total,
      };
    }
  }
  return undefined;
}

function latencyView(stats: RouteStats, role: Role): LatencyView {
  const h = stats.latency[role]?.histogram;
  if (!h) return { count: 0, p50: null, p95: null, p99: null };
  return {
    count: h.reduce((a, b) => a + b, 0),
    p50: interpolatedQuantile(h, 0.5),
    p95: interpolatedQuantile(h, 0.95),
    p99: interpolatedQuantile(h, 0.99),
  };
}

function errorRate(stats: RouteStats, role: Role): number | null {
  const classes = stats.responses[role];
  if (!classes) return null;
  let total = 0;
  let bad = 0;
  for (const [cls, n] of Object.entries(classes)) {
    total += n;
    if (cls === '5xx' || cls === 'error') bad += n;
  }
  return total === 0 ? null : bad / total;
}

export function summarizeRoute(
  stats: RouteStats,
  lastSeen?: number,
  options: SummarizeOptions = {},
): RouteRow {
  const { outcomes } = stats;
  const compared = outcomes.match + outcomes.diff;
  const top: PathStats | undefined = stats.paths[0];
  const worst = worstFinding(stats.paths);
  return {
    service: stats.service,
    route: stats.route,
    ...(lastSeen !== undefined ? { lastSeen } : {}),
    pairs: stats.pairs,
    compared,
    outcomes: { ...outcomes },
    diffRate: compared === 0 ? null : outcomes.diff / compared,
    diffInterval: wilsonInterval(outcomes.diff, compared),
    orphanRate: stats.pairs === 0 ? null : outcomes.orphan / stats.pairs,
    errorRate: { primary: errorRate(stats, 'primary'), shadow: errorRate(stats, 'shadow') },
    latency: {
      primary: latencyView(stats, 'primary'),
      shadow: latencyView(stats, 'shadow'),
      drift: latencyDrift(stats.paired, options.latencyDrift),
    },
    late: stats.late,
    unmirrored: Object.values(stats.unmirrored).reduce((a, b) => a + b, 0),
    missing: { ...stats.missing },
    ...(top ? { topPath: { kind: top.kind, path: top.path, total: top.total } } : {}),
    ...(worst ? { worst } : {}),
    ...(options.recount ? { recount: options.recount } : {}),
  };
}

function addCounts<K extends string>(
  into: Partial<Record<K, number>>,
  from: Partial<Record<K, number>>,
): void {
  for (const [k, n] of Object.entries(from) as [K, number][]) into[k] = (into[k] ?? 0) + n;
}

/**
 * Sums several routes' statistics into one (the gate's "all routes", the report's totals).
 * Histograms are merged bucket by bucket, so percentiles of the sum are exact to the bucket.
 */
export function sumStats(list: readonly RouteStats[], service: string, route: string): RouteStats {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const paths = new Map<string, PathStats>();
  const suppressed = new Map<string, RouteStats['suppressed'][number]>();
  const responses: RouteStats['responses'] = {};
  const latency: RouteStats['latency'] = {};
  const missing: RouteStats['missing'] = {};
  const unmirrored: RouteStats['unmirrored'] = {};
  const paired = emptyPairedLatency();
  let diffSetsDropped = 0;
  let late = 0;
  let from = Infinity;
  let to = -Infinity;
  let bucketMs = 0;
  for (const s of list) {
    from = Math.min(from, s.from);
    to = Math.max(to, s.to);
    bucketMs = Math.max(bucketMs, s.bucketMs);
    addCounts(outcomes, s.outcomes);
    late += s.late;
    for (const p of s.paths) {
      const key = `${p.kind} ${p.path}`;
      const e = paths.get(key) ?? { kind: p.kind, path: p.path, total: 0, bySeverity: {} };
      e.total += p.total;
      addCounts(e.bySeverity, p.bySeverity);
      paths.set(key, e);
    }
    for (const p of s.suppressed) {
      const key = `${p.kind} ${p.path}`;
      const e = suppressed.get(key) ?? { kind: p.kind, path: p.path, total: 0, byReason: {} };
      e.total += p.total;
      addCounts(e.byReason, p.byReason);
      suppressed.set(key, e);
    }
    for (const role of ROLES) {
      const classes = s.responses[role];
      if (classes) addCounts((responses[role] ??= {}), classes);
    }
    addCounts(missing, s.missing);
    addCounts(unmirrored, s.unmirrored);
    diffSetsDropped += s.diffSetsDropped;
    paired.count += s.paired.count;
    s.paired.ratio.forEach((n, i) => (paired.ratio[i] = (paired.ratio[i] ?? 0) + n));
    s.paired.delta.forEach((n, i) => (paired.delta[i] = (paired.delta[i] ?? 0) + n));
  }
  for (const role of ROLES) {
    const hs = list.flatMap((s) => (s.latency[role] ? [s.latency[role].histogram] : []));
    if (hs.length === 0) continue;
    latency[role] = summarizeLatency(mergeHistograms(hs));
  }
  const byTotal = <T extends { total: number; path: string }>(a: T, b: T) =>
    b.total - a.total || a.path.localeCompare(b.path);
  return {
    service,
    route,
    from: Number.isFinite(from) ? from : 0,
    to: Number.isFinite(to) ? to : 0,
    bucketMs,
    outcomes,
    pairs: OUTCOMES.reduce((n, o) => n + outcomes[o], 0),
    late,
    paths: [...paths.values()].sort(byTotal),
    latency,
    responses,
    suppressed: [...suppressed.values()].sort(byTotal),
    missing,
    unmirrored,
    // Sets are per route (noise is learned per route): recount each route before summing.
    diffSets: [],
    diffSetsDropped,
    paired,
    series: [],
  };
}
