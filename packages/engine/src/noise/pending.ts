import type { DiffEntry, DiffKind, DiffOp, NoiseConfig } from '@shadowdiff/contracts';
import type { NoiseFilter } from '../judge/noise-filter.js';
import type { NoiseAspect, NoiseDiffKind, NoiseEntryStats } from '../ports/noise-store.js';
import {
  SET_MAX_SORTED_SHARE,
  SET_MIN_CHANGE_RATE,
  SET_MIN_PERMUTATION_SHARE,
  VOLATILE_KINDS,
} from './learner.js';
import type { NoiseEvidence } from './learner.js';

/**
 * Whether an entry the learner is still `observing` is a noise candidate it has not decided yet:
 * every threshold but the sample count already holds (`noise.minSamples`). A value path that
 * changes on nearly every pair with volatile, distinct values, or an array that only ever came
 * back reordered (and unsorted), is noise-in-waiting; once `minSamples` pairs are in, the learner
 * decides (learned, or reported for good) and the entry is no longer pending. Structural changes,
 * free text, plain numbers, a sometimes-changing value or a sorted list never are.
 */
export function isPendingNoise(
  entry: NoiseEntryStats,
  e: NoiseEvidence,
  config: NoiseConfig,
): boolean {
  if (!config.learn || e.samples >= config.minSamples || e.samples === 0) return false;
  if (entry.aspect === 'order') {
    const sorted = Math.max(entry.sortedPrimary, entry.sortedShadow);
    return (
      (e.permutationShare ?? 0) >= SET_MIN_PERMUTATION_SHARE &&
      e.changeRate >= SET_MIN_CHANGE_RATE &&
      sorted < SET_MAX_SORTED_SHARE * e.changes
    );
  }
  return (
    entry.path !== '' &&
    e.changeRate >= config.minChangeRate &&
    VOLATILE_KINDS.has(e.valueKind) &&
    e.cardinality >= config.minCardinality
  );
}

/**
 * Whether a `diff` verdict's findings are all undecided noise (`NoiseFilter.pending`): then the
 * verdict is marked `noisePending` and the diff-rate alert does not count it. A status finding,
 * or any finding the filter does not call pending, makes it a diff like any other.
 */
export function allPendingNoise(
  filter: NoiseFilter | undefined,
  route: string,
  diffs: readonly DiffEntry[],
): boolean {
  if (filter?.pending === undefined || diffs.length === 0) return false;
  for (const d of diffs) {
    if (d.kind === 'status' || !filter.pending(route, d.kind, d.path, d.op)) return false;
  }
  return true;
}

const SEP = '\u0000';

/** The undecided candidates of one view, as `NoiseView.pending` asks about them. */
export class PendingNoise {
  /** `route \0 kind \0 path` of value entries. */
  private readonly values = new Set<string>();
  /** Route -> array pointers of candidate sets. */
  private readonly arrays = new Map<string, string[]>();

  add(route: string, kind: NoiseDiffKind, aspect: NoiseAspect, path: string): void {
    if (aspect === 'value') this.values.add(`${route}${SEP}${kind}${SEP}${path}`);
    else this.arrays.set(route, [...(this.arrays.get(route) ?? []), path]);
  }

  /** A `replace` at a candidate value path, or a `reorder` of / change inside a candidate set. */
  has(route: string, kind: DiffKind, path: string, op: DiffOp): boolean {
    if (kind === 'status') return false;
    if (op === 'replace' && this.values.has(`${route}${SEP}${kind}${SEP}${path}`)) return true;
    if (kind !== 'body' || (op !== 'replace' && op !== 'reorder')) return false;
    const arrays = this.arrays.get(route);
    if (arrays === undefined) return false;
    return arrays.some((p) => (op === 'reorder' && path === p) || path.startsWith(`${p}/`));
  }
}
