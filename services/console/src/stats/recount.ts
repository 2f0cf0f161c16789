import type { DiffKind } from '@shadowdiff/contracts';
import type { RouteStats } from '@shadowdiff/engine';
import type { NoiseEntryView, NoiseState } from '../noise/console-noise.js';

/** One noise path a recount took out of a route's figures. */
export interface RecountedPath {
  kind: DiffKind;
  path: string;
  aspect: string;
  state: NoiseState;
  /** Findings at the path judged before the decision, now counted as noise. */
  findings: number;
}

/**
 * What a retroactive recount changed on one route: pairs judged before a path was learned (or
 * confirmed) as noise are counted as if the decision had been there from the first pair.
 */
export interface Recount {
  paths: RecountedPath[];
  /** Diff pairs whose only findings were on those paths: now counted as matches. */
  pairs: number;
  /** The diff counts before the recount. */
  before: { diff: number; diffRate: number | null };
  /**
   * Noise-explainable diff pairs the store could not keep by set (caps): they stay counted as
   * diffs, so the recounted diff rate may still be high by at most `unrecountable` pairs.
   */
  unrecountable: number;
  approximate: boolean;
}

/** The `kind path` of every active (learned or confirmed) noise entry, per route. */
export function activeNoiseByRoute(
  entries: readonly NoiseEntryView[],
): Map<string, NoiseEntryView[]> {
  const out = new Map<string, NoiseEntryView[]>();
  for (const e of entries) {
    if (!e.active) continue;
    let list = out.get(e.route);
    if (!list) out.set(e.route, (list = []));
    list.push(e);
  }
  return out;
}

/**
 * Recounts one route's statistics with its active noise entries. Noise only ever takes out minor
 * findings (a changed value, a reordered array: learned noise never suppresses a removed field, a
 * type change or a status), so at each noise path the `minor` count moves to `suppressed`
 * (reason `learned`), and each stored diff set loses those paths: a set left empty is a pair that
 * matches. Pairs judged after the decision were suppressed when judged and are not in the sets,
 * so nothing is counted twice. Returns the stats unchanged (and no recount) when nothing moved.
 */
export function recountStats(
  stats: RouteStats,
  noise: readonly NoiseEntryView[] | undefined,
): { stats: RouteStats; recount?: Recount } {
  const active = (noise ?? []).filter((e) => e.active && e.route === stats.route);
  if (active.length === 0) return { stats };
  const byKey = new Map(active.map((e) => [`${e.kind} ${e.path}`, e]));

  const paths: RecountedPath[] = [];
  const suppressed = stats.suppressed.map((s) => ({ ...s, byReason: { ...s.byReason } }));
  const keptPaths: RouteStats['paths'] = [];
  for (const p of stats.paths) {
    const entry = byKey.get(`${p.kind} ${p.path}`);
    const minor = p.bySeverity.minor ?? 0;
    if (!entry || minor === 0) {
      keptPaths.push(p);
      continue;
    }
    paths.push({
      kind: p.kind,
      path: p.path,
      aspect: entry.aspect,
      state: entry.state,
      findings: minor,
    });
    const { minor: _, ...rest } = p.bySeverity;
    if (p.total - minor > 0) keptPaths.push({ ...p, total: p.total - minor, bySeverity: rest });
    let s = suppressed.find((x) => x.kind === p.kind && x.path === p.path);
    if (!s) suppressed.push((s = { kind: p.kind, path: p.path, total: 0, byReason: {} }));
    s.total += minor;
    s.byReason.learned = (s.byReason.learned ?? 0) + minor;
  }

  let matched = 0;
  const diffSets: RouteStats['diffSets'] = [];
  for (const set of stats.diffSets) {
    const left = set.paths.filter((k) => !byKey.has(k));
    if (left.length === 0) matched += set.count;
    else diffSets.push(left.length === set.paths.length ? set : { paths: left, count: set.count });
  }
  if (paths.length === 0 && matched === 0) return { stats };

  // The same per bucket, so the verdicts-over-time chart agrees with the recounted totals.
  const series = stats.series.map((b) => {
    let moved = 0;
    for (const set of b.diffSets ?? [])
      if (set.paths.every((k) => byKey.has(k))) moved += set.count;
    if (moved === 0) return b;
    const { diff = 0, ...rest } = b.outcomes;
    const outcomes = { ...rest, match: (b.outcomes.match ?? 0) + moved };
    return { ...b, outcomes: diff - moved > 0 ? { ...outcomes, diff: diff - moved } : outcomes };
  });

  const compared = stats.outcomes.match + stats.outcomes.diff;
  const recount: Recount = {
    paths,
    pairs: matched,
    before: {
      diff: stats.outcomes.diff,
      diffRate: compared === 0 ? null : stats.outcomes.diff / compared,
    },
    unrecountable: stats.diffSetsDropped,
    approximate: stats.diffSetsDropped > 0,
  };
  const byTotal = <T extends { total: number; path: string }>(a: T, b: T) =>
    b.total - a.total || a.path.localeCompare(b.path);
  return {
    stats: {
      ...stats,
      outcomes: {
        ...stats.outcomes,
        diff: stats.outcomes.diff - matched,
        match: stats.outcomes.match + matched,
      },
      paths: keptPaths.sort(byTotal),
      suppressed: suppressed.sort(byTotal),
      diffSets,
      series,
    },
    recount,
  };
}
