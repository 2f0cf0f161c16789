import type {
  DiffKind,
  Outcome,
  Role,
  Severity,
  SuppressReason,
  Verdict,
} from '@shadowdiff/contracts';
import type { PairedLatency } from './paired-latency.js';
import type { HalfSet } from './pending-store.js';

/**
 * Upper bounds (ms, inclusive) of the compact latency histogram kept per route, role and time
 * bucket; index `SAMPLE_LATENCY_BOUNDS_MS.length` counts everything slower. Roughly 1-2-3-5 steps:
 * percentiles come out within one step, and 25 counters per role stay cheap to store and sum.
 */
export const SAMPLE_LATENCY_BOUNDS_MS: readonly number[] = [
  1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000,
  5_000, 10_000, 30_000,
];

/** Width of the finest statistics bucket: one minute. */
export const STATS_MINUTE_MS = 60_000;
/** Width of the coarse statistics bucket, kept longer: one hour. */
export const STATS_HOUR_MS = 3_600_000;

/**
 * Diff pairs whose every finding is one that learned noise can take out (a `minor` body or header
 * finding: a changed value, a reordered array), counted by the SET of those findings' paths. When a
 * path becomes noise, the console removes it from each set: a set left empty is a pair that would
 * have matched, so the route's diff rate is recounted over the whole range. Pairs with any other
 * finding (status, removed field, type change) stay diffs whatever noise is learned and are not kept.
 */
export interface DiffSetCount {
  /** `kind path` of each finding (path as in `diffs`), unique, sorted. */
  paths: string[];
  count: number;
}

/** At most this many paths in one set; a pair with more is counted in `diffSetsDropped`. */
export const DIFF_SET_MAX_PATHS = 16;
/** At most this many distinct sets per stored bucket; more are counted in `diffSetsDropped`. */
export const DIFF_SETS_PER_BUCKET = 200;
/** At most this many distinct sets in one read (a range's buckets merged). */
export const DIFF_SETS_PER_READ = 5_000;

/** Where an example or a diff count belongs: a diff kind and path, or an outcome (`orphan`, `error`). */
export type SampleKind = DiffKind | 'outcome';

/**
 * Increments for one route and one minute, built by the worker per batch (many verdicts folded
 * into one write). Counts only; a store adds them to what it has.
 */
export interface RouteStatsDelta {
  service: string;
  /** Templated route (bounded, as in metrics). */
  route: string;
  /** Start of the minute, epoch ms (a multiple of {@link STATS_MINUTE_MS}). */
  minute: number;
  outcomes: Partial<Record<Outcome, number>>;
  /** Halves that arrived after their trace was decided. */
  late: number;
  /** Diff counts by kind, path (bounded per route) and severity. */
  diffs: { kind: DiffKind; path: string; severity: Severity; count: number }[];
  /** Sparse latency histograms per role: bucket index (see SAMPLE_LATENCY_BOUNDS_MS) -> count. */
  latency: Partial<Record<Role, Record<number, number>>>;
  /** Responses per role and status class (`2xx` .. `5xx`, `error`). */
  responses: Partial<Record<Role, Record<string, number>>>;
  /**
   * Findings taken out by rules, volatile detectors, learned noise or the secondary, by kind, path
   * (bounded like `diffs`) and reason, so the console can show what noise removed. Default none.
   */
  suppressed?: { kind: DiffKind; path: string; reason: SuppressReason; count: number }[];
  /** Orphan verdicts by the role that never arrived (a verdict missing two roles counts twice). */
  missing?: Partial<Record<Role, number>>;
  /** Primary requests a tap served without mirroring them, by skip reason. Default none. */
  unmirrored?: Record<string, number>;
  /** Noise-explainable diff pairs by their set of paths (see {@link DiffSetCount}). Default none. */
  diffSets?: DiffSetCount[];
  /** Noise-explainable diff pairs not kept by set (too many paths, or a bucket's set cap). */
  diffSetsDropped?: number;
  /**
   * Paired latency of pairs with both a primary and a shadow latency: sparse histograms of
   * shadow / primary and shadow - primary (see paired-latency.ts). Default none.
   */
  paired?: { ratio: Record<number, number>; delta: Record<number, number> };
}

/** A judged pair kept for the console: the verdict and the halves as the taps published them. */
export interface ExamplePair {
  verdict: Verdict;
  /** Encoded TapRecords (bodies already redacted by the tap), by role. */
  halves: HalfSet;
}

export interface ExampleWrite {
  service: string;
  route: string;
  kind: SampleKind;
  /** Diff path, or the outcome name when `kind` is `outcome`. */
  path: string;
  example: ExamplePair;
}

/** One batch's worth of writes; stores apply it in one round trip where they can. */
export interface SampleWrite {
  stats: RouteStatsDelta[];
  /** Oldest first; each (service, route, kind, path) keeps only its newest N. */
  examples: ExampleWrite[];
}

export interface RouteSummary {
  service: string;
  route: string;
  /** Epoch ms of the newest write for this route. */
  lastSeen: number;
}

export interface LatencySummary {
  count: number;
  /** Upper bound of the bucket holding the percentile, ms (`Infinity` past the last bound). */
  p50: number;
  p90: number;
  p99: number;
  /** Dense histogram, index-aligned with SAMPLE_LATENCY_BOUNDS_MS plus the overflow bucket. */
  histogram: number[];
}

export interface PathStats {
  kind: DiffKind;
  path: string;
  total: number;
  bySeverity: Partial<Record<Severity, number>>;
}

export interface SuppressedStats {
  kind: DiffKind;
  path: string;
  total: number;
  byReason: Partial<Record<SuppressReason, number>>;
}

/** Statistics of one route over a time range. */
export interface RouteStats {
  service: string;
  route: string;
  /** The range actually covered, aligned to the bucket width used. */
  from: number;
  to: number;
  /** Bucket width of `series`: a minute for ranges up to 6 h, else an hour. */
  bucketMs: number;
  outcomes: Record<Outcome, number>;
  /** Every verdict: match + diff + orphan + error. */
  pairs: number;
  late: number;
  /** Most-differing paths first. */
  paths: PathStats[];
  latency: Partial<Record<Role, LatencySummary>>;
  responses: Partial<Record<Role, Record<string, number>>>;
  /** Suppressed findings by kind and path, most-suppressed first. */
  suppressed: SuppressedStats[];
  /** Orphan verdicts by missing role. */
  missing: Partial<Record<Role, number>>;
  /** Requests served by the primary but not mirrored, by skip reason. */
  unmirrored: Record<string, number>;
  /** Noise-explainable diff pairs by set of paths, most pairs first (bounded; see DiffSetCount). */
  diffSets: DiffSetCount[];
  /** Such pairs not kept by set: a recount over the range is approximate when this is above 0. */
  diffSetsDropped: number;
  /** Paired shadow-vs-primary latency over the range. */
  paired: PairedLatency;
  /**
   * Outcome counts per bucket, oldest first, only buckets with data; `diffSets`: that bucket's
   * noise-explainable diff pairs by set (when it has any), so a recount can redraw the series.
   */
  series: {
    at: number;
    outcomes: Partial<Record<Outcome, number>>;
    diffSets?: DiffSetCount[];
  }[];
}

export interface StatsQuery {
  service: string;
  route: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export interface ExamplesQuery {
  service: string;
  route: string;
  kind: SampleKind;
  path: string;
  /** Newest first; default: all kept (the store's per-key cap). */
  limit?: number;
}

/**
 * Example pairs and running route statistics for the console (Redis in a fleet, memory when
 * embedded). Writes are additive and best-effort: losing one batch's stats must never stop the
 * pipeline, so the worker logs write failures instead of retrying the Kafka batch.
 */
export interface SampleStore {
  record(write: SampleWrite): Promise<void>;
  /** Routes with data, most recently seen first. `since`: only routes seen at or after it. */
  routes(options?: { since?: number }): Promise<RouteSummary[]>;
  stats(query: StatsQuery): Promise<RouteStats>;
  /**
   * Many routes' statistics in one call, as the console's overview needs them: the same numbers
   * as `stats` per query, but `series` is left empty, so a store may merge the buckets where they
   * live (Redis sums them server-side) instead of shipping every bucket back. Results follow the
   * order of `queries`.
   */
  statsMany(queries: StatsQuery[]): Promise<RouteStats[]>;
  examples(query: ExamplesQuery): Promise<ExamplePair[]>;
}
