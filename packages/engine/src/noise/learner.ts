import type { DiffOp, NoiseConfig } from '@shadowdiff/contracts';
import type { NoiseDecision, NoiseEntryStats, ValueClass } from '../ports/noise-store.js';

/** What the values of an entry look like, as `noise list` shows it. */
export type NoiseValueKind =
  | 'time-like'
  | 'id-like'
  | 'random-token'
  | 'counter'
  | 'float-jitter'
  | 'number'
  | 'free-text'
  | 'other'
  | 'mixed'
  | 'order'
  | 'unknown';

/** Value kinds that carry no meaning across two responses. Free text and plain numbers do. */
export const VOLATILE_KINDS: ReadonlySet<NoiseValueKind> = new Set([
  'time-like',
  'id-like',
  'random-token',
  'counter',
  'float-jitter',
]);

/** Share of valued observations the dominant class needs, else the kind is `mixed`. */
export const DOMINANT_SHARE = 0.9;
/** Share of successive primary values that must rise for integers to be a counter. */
export const COUNTER_RISE_SHARE = 0.8;
/** Successive primary values needed before integers can be called a counter. */
export const COUNTER_MIN_STEPS = 10;
/**
 * Sets are learned on their own rate: a random shuffle of a short array leaves the order
 * unchanged often (1 in 2 for two elements, 1 in 6 for three), so "changes on nearly every pair"
 * would never hold. The evidence instead is that every difference was a pure reordering.
 */
export const SET_MIN_CHANGE_RATE = 0.3;
/** Share of the array's differences that must be pure reorderings (same elements). */
export const SET_MIN_PERMUTATION_SHARE = 0.9;
/**
 * A side whose array comes back sorted this often orders deterministically: a changed sort order
 * is real drift, not a set serialised in hash order.
 */
export const SET_MAX_SORTED_SHARE = 0.8;

export type NoiseStatus = 'learned' | 'confirmed' | 'rejected' | 'observing';

/** The evidence behind a decision, as `noise list` shows it. */
export interface NoiseEvidence {
  /** Pairs of the route since the entry was first seen. */
  samples: number;
  /** Pairs where the value changed (`value`) or the array was reordered (`order`). */
  changes: number;
  /** changes / samples. */
  changeRate: number;
  /** Changes observed with both values (the base of `distinct` and `valueKind`). */
  valued: number;
  /** Estimated distinct primary-side values. */
  distinct: number;
  /** distinct / valued: 1 when every request carried a new value. */
  cardinality: number;
  valueKind: NoiseValueKind;
  /** `order` only: share of the array's differences that were pure reorderings. */
  permutationShare?: number;
}

export interface NoiseAssessment {
  status: NoiseStatus;
  evidence: NoiseEvidence;
  /** Whether the evidence alone meets the thresholds now (whatever a user decided). */
  meets: boolean;
  /** Why it is (or is not yet) noise, in words. */
  reason: string;
}

const CLASS_KIND: Record<ValueClass, NoiseValueKind> = {
  time: 'time-like',
  id: 'id-like',
  token: 'random-token',
  integer: 'number',
  jitter: 'float-jitter',
  number: 'number',
  text: 'free-text',
  other: 'other',
};

function valueKindOf(entry: NoiseEntryStats, valued: number): NoiseValueKind {
  if (entry.aspect === 'order') return 'order';
  if (valued === 0) return 'unknown';
  let best: ValueClass | undefined;
  let bestCount = 0;
  for (const [cls, n] of Object.entries(entry.classes) as [ValueClass, number][]) {
    if (n > bestCount) {
      best = cls;
      bestCount = n;
    }
  }
  if (best === undefined || bestCount < DOMINANT_SHARE * valued) return 'mixed';
  if (
    best === 'integer' &&
    entry.steps >= COUNTER_MIN_STEPS &&
    entry.rises >= COUNTER_RISE_SHARE * entry.steps
  ) {
    return 'counter';
  }
  return CLASS_KIND[best];
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** The evidence of one entry on a route that has compared `routePairs` pairs so far. */
export function evidenceOf(entry: NoiseEntryStats, routePairs: number): NoiseEvidence {
  const seen = Math.max(0, routePairs - entry.since);
  const samples =
    entry.aspect === 'order' && entry.learnedSamples !== undefined
      ? Math.min(seen, entry.learnedSamples)
      : seen;
  let valued = 0;
  for (const n of Object.values(entry.classes)) valued += n ?? 0;
  const evidence: NoiseEvidence = {
    samples,
    changes: entry.changes,
    changeRate: Math.min(1, ratio(entry.changes, samples)),
    valued,
    distinct: entry.distinct,
    cardinality: Math.min(1, ratio(entry.distinct, valued)),
    valueKind: valueKindOf(entry, valued),
  };
  if (entry.aspect === 'order') {
    evidence.permutationShare = ratio(entry.changes, entry.changes + entry.other);
  }
  return evidence;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Whether evidence makes a value entry noise; the reason says which threshold decided. */
function judgeValue(
  entry: NoiseEntryStats,
  e: NoiseEvidence,
  config: NoiseConfig,
): { meets: boolean; reason: string } {
  if (entry.path === '') {
    return { meets: false, reason: 'a whole body is never learned as noise' };
  }
  if (e.samples < config.minSamples) {
    return { meets: false, reason: `${e.samples} of ${config.minSamples} samples seen` };
  }
  if (e.changeRate < config.minChangeRate) {
    return {
      meets: false,
      reason: `changes in ${pct(e.changeRate)} of pairs (noise needs ${pct(config.minChangeRate)})`,
    };
  }
  if (!VOLATILE_KINDS.has(e.valueKind)) {
    return { meets: false, reason: `values are ${e.valueKind}, not a volatile kind` };
  }
  if (e.cardinality < config.minCardinality) {
    return {
      meets: false,
      reason: `primary values repeat (${pct(e.cardinality)} distinct, noise needs ${pct(config.minCardinality)})`,
    };
  }
  return {
    meets: true,
    reason: `${e.valueKind} values change in ${pct(e.changeRate)} of ${e.samples} pairs, ${pct(e.cardinality)} distinct`,
  };
}

function judgeOrder(
  entry: NoiseEntryStats,
  e: NoiseEvidence,
  config: NoiseConfig,
): { meets: boolean; reason: string } {
  if (e.samples < config.minSamples) {
    return { meets: false, reason: `${e.samples} of ${config.minSamples} samples seen` };
  }
  const share = e.permutationShare ?? 0;
  if (share < SET_MIN_PERMUTATION_SHARE) {
    return {
      meets: false,
      reason: `only ${pct(share)} of its differences were pure reorderings`,
    };
  }
  if (e.changeRate < SET_MIN_CHANGE_RATE) {
    return { meets: false, reason: `reordered in only ${pct(e.changeRate)} of pairs` };
  }
  const sorted = Math.max(
    ratio(entry.sortedPrimary, e.changes),
    ratio(entry.sortedShadow, e.changes),
  );
  if (sorted >= SET_MAX_SORTED_SHARE) {
    return {
      meets: false,
      reason: `one side comes back sorted (${pct(sorted)}): a deterministic order change`,
    };
  }
  return {
    meets: true,
    reason: `same elements in another order in ${pct(e.changeRate)} of ${e.samples} pairs`,
  };
}

/**
 * Decides one entry. A user decision wins; otherwise an entry is `learned` when it was marked so
 * before (learning is sticky: a suppressed value is no longer observed in full, so its evidence
 * cannot be re-checked) or when the evidence meets every threshold now:
 * - value: path changes in >= `minChangeRate` of >= `minSamples` pairs, its primary values are
 *   >= `minCardinality` distinct, and they are of a volatile kind (time-like, id-like, random
 *   token, counter, float jitter). Free text and plain numbers never are.
 * - order: the array differed only by reordering, often enough, and neither side sorts it.
 * Structural changes and statuses are never entries at all (see the accumulator).
 */
export function assess(
  entry: NoiseEntryStats,
  routePairs: number,
  config: NoiseConfig,
  decision?: NoiseDecision,
): NoiseAssessment {
  const evidence = evidenceOf(entry, routePairs);
  const { meets, reason } =
    entry.aspect === 'order'
      ? judgeOrder(entry, evidence, config)
      : judgeValue(entry, evidence, config);
  if (decision !== undefined) {
    return {
      status: decision,
      evidence,
      meets,
      reason: `${decision} by a user; evidence: ${reason}`,
    };
  }
  if (!config.learn)
    return { status: 'observing', evidence, meets, reason: `learning is off; ${reason}` };
  if (entry.learnedAt !== undefined || meets) return { status: 'learned', evidence, meets, reason };
  return { status: 'observing', evidence, meets, reason };
}

/** Counts of one kind x op x path with a secondary present. */
export interface SecondaryCounts {
  pairs: number;
  /** Pairs where primary and secondary differed here: pure noise. */
  secondary: number;
  /** Pairs where primary and shadow differed here. */
  shadow: number;
}

/**
 * Diffy's rule: a primary-vs-shadow difference is reported only when its rate exceeds the
 * primary-vs-secondary rate by both thresholds: `shadow - secondary > absoluteThreshold` and
 * `shadow - secondary > relativeThreshold x secondary` (rates over the same pairs). A path the
 * secondary never showed differing is always reported: without noise evidence nothing cancels.
 */
export function secondaryCancels(
  counts: SecondaryCounts,
  thresholds: { relativeThreshold: number; absoluteThreshold: number },
): boolean {
  if (counts.pairs <= 0 || counts.secondary <= 0) return false;
  const noise = counts.secondary / counts.pairs;
  const raw = counts.shadow / counts.pairs;
  const excess = raw - noise;
  const reported =
    excess > thresholds.absoluteThreshold && excess > thresholds.relativeThreshold * noise;
  return !reported;
}

/**
 * Self-check evidence across pairs: a route's value at a path is noise when the primary's two
 * answers to the same request (primary vs secondary) differed there in at least this share of the
 * route's self-checked pairs. One self-checked pair that differed is enough to start with (AREX:
 * the primary itself is not deterministic there); a path that differs only now and then between
 * two calls (a stock count) stays reported.
 */
export const SELF_CHECK_MIN_SHARE = 0.5;

/**
 * The share for a `reorder`: a shuffle of a short array keeps its order often (1 in 2 for two
 * elements, 1 in 6 for three; see `SET_MIN_CHANGE_RATE`), so a primary that shuffles a list on
 * every call still shows it reordered in fewer than half of a few self-checked pairs (1 of 3 for
 * 7% of routes with a three-element shuffle). A list the primary returns in one order is never
 * reordered against itself, and stays reported.
 */
export const SELF_CHECK_MIN_REORDER_SHARE = SET_MIN_CHANGE_RATE;

/**
 * Whether `diffs` primary-vs-secondary differences in `pairs` self-checked pairs make a path noise
 * for a finding of `op` (`reorder` on its own share, anything else on `SELF_CHECK_MIN_SHARE`).
 */
export function selfCheckNoisy(diffs: number, pairs: number, op: DiffOp = 'replace'): boolean {
  const share = op === 'reorder' ? SELF_CHECK_MIN_REORDER_SHARE : SELF_CHECK_MIN_SHARE;
  return pairs > 0 && diffs > 0 && diffs >= share * pairs;
}
