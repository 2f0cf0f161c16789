import type { LatencyDriftOptions } from '@shadowdiff/engine';
import { LATENCY_DRIFT_DEFAULTS } from '@shadowdiff/engine';
import type { RecountedPath } from '../stats/recount.js';
import type { RouteRow } from '../stats/route-row.js';
import { fieldName, ms, num, pct } from './format.js';
import type { TableData } from './tables.js';

/** Which figures a retroactive recount changed, per route (see recountStats). */
export interface RecountSection {
  /** Whether any figure in the report was recounted. */
  recounted: boolean;
  /** The figures recounted, in words (empty when none). */
  figures: string[];
  routes: {
    route: string;
    /** Diff pairs judged before the noise decision, now counted as matches. */
    pairs: number;
    before: { diff: number; diffRate: number | null };
    after: { diff: number; diffRate: number | null };
    paths: RecountedPath[];
    /** Pairs the store could not keep by set: the recounted rate may be high by at most this. */
    unrecountable: number;
    approximate: boolean;
  }[];
}

/** Routes whose shadow is significantly slower than the primary on the same requests. */
export interface LatencySection {
  thresholds: LatencyDriftOptions;
  /** Routes with enough paired latencies to tell. */
  checked: number;
  slower: {
    route: string;
    pairs: number;
    ratio: number;
    ratioInterval: { low: number; high: number };
    deltaMs: number;
    primaryP50: number | null;
    shadowP50: number | null;
  }[];
}

export function recountSection(rows: readonly RouteRow[]): RecountSection {
  const routes = rows.flatMap((r) =>
    r.recount
      ? [
          {
            route: r.route,
            pairs: r.recount.pairs,
            before: r.recount.before,
            after: { diff: r.outcomes.diff, diffRate: r.diffRate },
            paths: r.recount.paths,
            unrecountable: r.recount.unrecountable,
            approximate: r.recount.approximate,
          },
        ]
      : [],
  );
  const figures =
    routes.length === 0
      ? []
      : [
          'diff rate and its 95% interval (per route and in total)',
          'diff and match counts',
          'top drifting fields and their share of pairs',
          'suppressed findings (the recounted ones are listed as learned)',
        ];
  return { recounted: routes.length > 0, figures, routes };
}

export function latencySection(rows: readonly RouteRow[]): LatencySection {
  const slower = rows.flatMap((r) => {
    const d = r.latency.drift;
    if (d.status !== 'slower' || d.ratio === null || d.deltaMs === null || !d.ratioInterval)
      return [];
    return [
      {
        route: r.route,
        pairs: d.pairs,
        ratio: d.ratio,
        ratioInterval: d.ratioInterval,
        deltaMs: d.deltaMs,
        primaryP50: r.latency.primary.p50,
        shadowP50: r.latency.shadow.p50,
      },
    ];
  });
  slower.sort((a, b) => b.ratio - a.ratio || a.route.localeCompare(b.route));
  return {
    thresholds: rows[0]?.latency.drift.thresholds ?? { ...LATENCY_DRIFT_DEFAULTS },
    checked: rows.filter((r) => r.latency.drift.status !== 'insufficient').length,
    slower,
  };
}

const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '∞');

/** The latency section as sentences and a table (each renderer lays them out). */
export function latencyText(s: LatencySection): { intro: string; table?: TableData } {
  const t = s.thresholds;
  const rule = `median shadow/primary ratio over the same requests >= ${t.ratio}x and >= ${t.minDeltaMs} ms slower, with the 95% interval of the ratio above 1, over >= ${t.minPairs} pairs`;
  if (s.slower.length === 0) {
    return {
      intro: `No route is significantly slower on the shadow (${num(s.checked)} routes with enough paired latencies; rule: ${rule}).`,
    };
  }
  return {
    intro: `${s.slower.length} route(s) significantly slower on the shadow (rule: ${rule}):`,
    table: {
      head: [
        'Route',
        'Paired requests',
        'Shadow / primary',
        '95% interval',
        'Median +ms',
        'p50 P / S',
      ],
      rows: s.slower.map((x) => [
        x.route,
        num(x.pairs),
        ratio(x.ratio),
        `${ratio(x.ratioInterval.low)} – ${ratio(x.ratioInterval.high)}`,
        ms(x.deltaMs),
        `${ms(x.primaryP50)} / ${ms(x.shadowP50)}`,
      ]),
      numeric: [1, 2, 4],
    },
  };
}

/** The recount section as plain sentences (empty when nothing was recounted). */
export function recountText(s: RecountSection): string[] {
  if (!s.recounted) return [];
  const out = [
    `Recounted: pairs judged before a path was learned or confirmed as noise are counted as if the decision had held from the first pair. Figures recounted: ${s.figures.join('; ')}.`,
  ];
  for (const r of s.routes) {
    const paths = r.paths.map((p) => `${fieldName(p.kind, p.path)} (${p.state})`).join(', ');
    out.push(
      `${r.route}: diff rate ${pct(r.before.diffRate)} → ${pct(r.after.diffRate)} recounted; ${num(r.pairs)} earlier diff pairs now match` +
        (paths ? `; noise ${paths}` : '') +
        (r.approximate
          ? `; approximate: ${num(r.unrecountable)} pairs could not be recounted (too many distinct findings) and stay counted as diffs`
          : ''),
    );
  }
  return out;
}
