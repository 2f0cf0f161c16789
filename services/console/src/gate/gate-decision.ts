import { SEVERITIES } from '@shadowdiff/contracts';
import type { Severity } from '@shadowdiff/contracts';
import type { RouteRow } from '../stats/route-row.js';

/** What `--fail-on` accepts: a finding of this severity or worse fails the gate at any rate. */
export const FAIL_ON_SEVERITIES = ['critical', 'major', 'minor'] as const;
export type FailOnSeverity = (typeof FAIL_ON_SEVERITIES)[number];

export interface GateThresholds {
  /** Highest acceptable diff rate (fraction, e.g. 0.005 for 0.5%). */
  maxDiffRate: number;
  /** Compared pairs needed before the gate may pass. */
  minPairs: number;
  /** Highest acceptable shadow p99 / primary p99; unchecked when undefined. */
  maxP99Ratio?: number;
  /**
   * Highest acceptable median paired latency ratio shadow / primary (the latency drift finding
   * with this ratio and its default floor, interval and pairs); unchecked when undefined.
   */
  maxLatencyRatio?: number;
  /** Fail on any diff finding of this severity or worse, whatever the rate; unchecked when undefined. */
  failOn?: FailOnSeverity;
}

export type GateVerdict = 'pass' | 'fail' | 'insufficient';

/** Exit codes of `shadowdiff gate`: what an Argo Rollouts Job step or a CI script reads. */
export const GATE_EXIT: Record<GateVerdict, 0 | 1 | 2> = { pass: 0, fail: 1, insufficient: 2 };

export interface GateCheck {
  name: 'pairs' | 'diff-rate' | 'p99-ratio' | 'latency-ratio' | 'severity';
  /** `ok` / `fail`, or `unknown` when the data cannot tell (too few pairs, no latency). */
  status: 'ok' | 'fail' | 'unknown';
  actual: number | null;
  limit: number;
}

export interface GateDecision {
  verdict: GateVerdict;
  exitCode: 0 | 1 | 2;
  checks: GateCheck[];
  /** One sentence per failed or unknown check, for humans. */
  reasons: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * The gate's decision table over the evidence of one scope (a route, or all routes summed):
 *
 * | compared pairs  | diff rate                         | p99 ratio (if asked) | verdict      |
 * |-----------------|-----------------------------------|----------------------|--------------|
 * | < min           | 95% interval low end > max        | any                  | fail         |
 * | < min           | otherwise                         | any                  | insufficient |
 * | >= min          | > max                             | any                  | fail         |
 * | >= min          | <= max                            | > max                | fail         |
 * | >= min          | <= max                            | no latency on a side | insufficient |
 * | >= min          | <= max                            | <= max or not asked  | pass         |
 *
 * Failing before `minPairs` only when even the interval's low end is over the limit stops a
 * clearly broken shadow at once, without ever passing on thin evidence.
 *
 * Two checks look at each route of the scope (`routes`; default the scope's row alone):
 * - `--fail-on <severity>` fails on any finding of that severity or worse, at any rate and any
 *   number of pairs (one 200 -> 503 is enough); it is never `unknown`.
 * - `--max-latency-ratio <r>` fails when a route (or the scope pooled) is significantly slower on
 *   the same requests (row.latency.drift, computed with ratio r); `unknown` while the scope has too
 *   few paired latencies to tell.
 */
export function decideGate(
  row: RouteRow,
  t: GateThresholds,
  routes: readonly RouteRow[] = [row],
): GateDecision {
  const checks: GateCheck[] = [];
  const reasons: string[] = [];
  const enough = row.compared >= t.minPairs;
  checks.push({
    name: 'pairs',
    status: enough ? 'ok' : 'unknown',
    actual: row.compared,
    limit: t.minPairs,
  });

  const rate = row.diffRate;
  let rateStatus: GateCheck['status'];
  if (rate === null) rateStatus = 'unknown';
  else if (enough) rateStatus = rate > t.maxDiffRate ? 'fail' : 'ok';
  else rateStatus = row.diffInterval.low > t.maxDiffRate ? 'fail' : 'unknown';
  checks.push({ name: 'diff-rate', status: rateStatus, actual: rate, limit: t.maxDiffRate });
  if (rateStatus === 'fail') {
    reasons.push(
      enough
        ? `diff rate ${pct(rate!)} is over the limit ${pct(t.maxDiffRate)}`
        : `diff rate ${pct(rate!)} is over the limit ${pct(t.maxDiffRate)} even at the low end of its 95% interval (${pct(row.diffInterval.low)}), before ${t.minPairs} pairs`,
    );
  }
  if (!enough) {
    reasons.push(`only ${row.compared} compared pairs; the gate needs ${t.minPairs}`);
  }

  if (t.maxP99Ratio !== undefined) {
    const p = row.latency.primary.p99;
    const s = row.latency.shadow.p99;
    let ratio: number | null = null;
    let status: GateCheck['status'] = 'unknown';
    if (p !== null && s !== null && p > 0) {
      ratio = s / p;
      status = ratio > t.maxP99Ratio ? 'fail' : 'ok';
    }
    checks.push({ name: 'p99-ratio', status, actual: ratio, limit: t.maxP99Ratio });
    if (status === 'fail') {
      reasons.push(
        `shadow p99 is ${ratio!.toFixed(2)}x the primary's; the limit is ${t.maxP99Ratio}x`,
      );
    } else if (status === 'unknown' && enough) {
      reasons.push('no latency samples on one side to compare p99');
    }
  }

  if (t.maxLatencyRatio !== undefined) {
    const slow = [row, ...routes.filter((r) => r !== row)].filter(
      (r) => r.latency.drift.status === 'slower',
    );
    const worst = slow.sort(
      (a, b) => (b.latency.drift.ratio ?? 0) - (a.latency.drift.ratio ?? 0),
    )[0];
    const pooled = row.latency.drift;
    const status: GateCheck['status'] = worst
      ? 'fail'
      : pooled.status === 'insufficient'
        ? 'unknown'
        : 'ok';
    checks.push({
      name: 'latency-ratio',
      status,
      actual: worst?.latency.drift.ratio ?? pooled.ratio,
      limit: t.maxLatencyRatio,
    });
    if (worst) {
      const d = worst.latency.drift;
      reasons.push(
        `${worst.route === '*' ? 'the routes together are' : `${worst.route} is`} ${d.ratio!.toFixed(2)}x slower on the shadow over ${d.pairs} paired requests (median +${d.deltaMs!.toFixed(1)} ms; 95% interval of the ratio ${d.ratioInterval!.low.toFixed(2)}–${d.ratioInterval!.high.toFixed(2)}x); the limit is ${t.maxLatencyRatio}x`,
      );
    } else if (status === 'unknown' && enough) {
      reasons.push(
        `only ${pooled.pairs} pairs with both latencies; the latency check needs ${pooled.thresholds.minPairs}`,
      );
    }
  }

  if (t.failOn !== undefined) {
    const rank = (s: Severity) => SEVERITIES.indexOf(s);
    const hits = routes
      .filter((r) => r.worst !== undefined && rank(r.worst.severity) <= rank(t.failOn!))
      .sort(
        (a, b) =>
          rank(a.worst!.severity) - rank(b.worst!.severity) || b.worst!.count - a.worst!.count,
      );
    const first = hits[0]?.worst;
    checks.push({
      name: 'severity',
      status: first ? 'fail' : 'ok',
      // Routes with such a finding; any is a failure.
      actual: hits.length,
      limit: 0,
    });
    if (first) {
      const what = first.kind === 'status' ? 'status' : `${first.kind} ${first.path || '(root)'}`;
      reasons.push(
        `${first.severity} finding ${what} on ${hits[0]!.route} (${first.count} pairs)` +
          (hits.length > 1 ? ` and on ${hits.length - 1} more route(s)` : '') +
          `; --fail-on ${t.failOn} fails on any ${t.failOn === 'critical' ? 'critical' : `${t.failOn} or worse`} finding`,
      );
    }
  }

  let verdict: GateVerdict;
  if (checks.some((c) => c.status === 'fail')) verdict = 'fail';
  else if (checks.some((c) => c.status === 'unknown')) verdict = 'insufficient';
  else verdict = 'pass';
  const shown = verdict === 'fail' ? reasons.filter((r) => !r.startsWith('only ')) : reasons;
  return { verdict, exitCode: GATE_EXIT[verdict], checks, reasons: shown };
}
