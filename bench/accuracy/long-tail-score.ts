/**
 * Scoring of the long-tail scenario against its seeded truth: per verdict (a verdict with any
 * finding is a "drift" call), per finding, by the k-th pair of each route, and field-named (the
 * finding's path — and, for one array element, its `at` — names the seeded drift exactly).
 */
import type { Verdict } from '@shadowdiff/contracts';
import type { LongTailRoute, Truth } from './long-tail-routes.js';
import { truthOf } from './long-tail-routes.js';

export interface Counts {
  /** Verdicts with a finding on a drifting pair / on a clean pair; drifting pairs with none. */
  tp: number;
  fp: number;
  fn: number;
  /** Pairs with no verdict. */
  lost: number;
}

export interface DriftRouteScore {
  route: LongTailRoute;
  drifting: number;
  detected: number;
  named: number;
  /** What the verdicts of its drifting pairs named -> count. */
  namedAs: Map<string, number>;
}

export interface LongTailScore {
  pairs: number;
  all: Counts;
  /** Index k (0-based) of the pair on its route -> counts. */
  byPair: Counts[];
  findings: { tp: number; fp: number };
  drifting: number;
  named: number;
  /** `path (op)` of false findings -> count and routes. */
  falseFindings: Map<string, { count: number; routes: Set<string> }>;
  driftRoutes: DriftRouteScore[];
  /** Verdicts naming another route than the scenario's. */
  wrongRoute: string[];
  /** `reason path` of suppressed differences -> count. */
  suppressed: Map<string, number>;
}

const empty = (): Counts => ({ tp: 0, fp: 0, fn: 0, lost: 0 });

function named(truth: Truth, v: Verdict): boolean {
  return v.diffs.some(
    (d) => d.path === truth.path && (truth.at === undefined || d.at === truth.at),
  );
}

export function scoreLongTail(
  routes: LongTailRoute[],
  perRoute: number,
  verdictOf: (n: number) => Verdict | undefined,
): LongTailScore {
  const s: LongTailScore = {
    pairs: 0,
    all: empty(),
    byPair: Array.from({ length: perRoute }, empty),
    findings: { tp: 0, fp: 0 },
    drifting: 0,
    named: 0,
    falseFindings: new Map(),
    driftRoutes: routes
      .filter((r) => r.drift !== undefined)
      .map((route) => ({ route, drifting: 0, detected: 0, named: 0, namedAs: new Map() })),
    wrongRoute: [],
    suppressed: new Map(),
  };
  const driftScore = new Map(s.driftRoutes.map((d) => [d.route.index, d]));
  const total = routes.length * perRoute;
  for (let n = 0; n < total; n++) {
    const r = routes[n % routes.length] as LongTailRoute;
    const k = Math.floor(n / routes.length);
    const at = s.byPair[k] as Counts;
    const truth = truthOf(r, n);
    const v = verdictOf(n);
    s.pairs++;
    if (truth.length > 0) s.drifting++;
    if (v === undefined) {
      s.all.lost++;
      at.lost++;
      if (truth.length > 0) {
        s.all.fn++;
        at.fn++;
      }
      continue;
    }
    if (v.route !== r.route && s.wrongRoute.length < 5)
      s.wrongRoute.push(`#${n}: ${v.route} (expected ${r.route})`);
    const flagged = v.diffs.length > 0;
    for (const c of [s.all, at]) {
      if (flagged && truth.length > 0) c.tp++;
      else if (flagged) c.fp++;
      else if (truth.length > 0) c.fn++;
    }
    for (const d of v.diffs) {
      if (truth.some((t) => t.path === d.path)) s.findings.tp++;
      else {
        s.findings.fp++;
        const key = `${d.path} (${d.op})`;
        let f = s.falseFindings.get(key);
        if (f === undefined) s.falseFindings.set(key, (f = { count: 0, routes: new Set() }));
        f.count++;
        f.routes.add(r.route);
      }
    }
    const allNamed = truth.length > 0 && truth.every((t) => named(t, v));
    if (allNamed) s.named++;
    const ds = driftScore.get(r.index);
    if (ds !== undefined && truth.length > 0) {
      ds.drifting++;
      if (flagged) ds.detected++;
      if (allNamed) ds.named++;
      const how =
        v.diffs.map((d) => `${d.at ?? d.path} (${d.op})`).join(' + ') || `(nothing: ${v.outcome})`;
      ds.namedAs.set(how, (ds.namedAs.get(how) ?? 0) + 1);
    }
    for (const x of v.suppressed) {
      const key = `${x.reason} ${x.kind === 'header' ? 'header ' : ''}${x.path || '(body)'}`;
      s.suppressed.set(key, (s.suppressed.get(key) ?? 0) + 1);
    }
  }
  return s;
}

export const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
export const fmt = (x: number | null, digits = 3): string =>
  x === null ? 'n/a' : x.toFixed(digits);
export const precisionOf = (c: Counts) => ratio(c.tp, c.tp + c.fp);
export const recallOf = (c: Counts) => ratio(c.tp, c.tp + c.fn);
