import type { RouteRow } from '../stats/route-row.js';

export interface GateThresholds {
  /** Highest acceptable diff rate (fraction, e.g. 0.005 for 0.5%). */
  maxDiffRate: number;
  /** Compared pairs needed before the gate may pass. */
  minPairs: number;
  /** Highest acceptable shadow p99 / primary p99; unchecked when undefined. */
  maxP99Ratio?: number;
}

export type GateVerdict = 'pass' | 'fail' | 'insufficient';

/** Exit codes of `shadowdiff gate`: what an Argo Rollouts Job step or a CI script reads. */
export const GATE_EXIT: Record<GateVerdict, 0 | 1 | 2> = { pass: 0, fail: 1, insufficient: 2 };

export interface GateCheck {
  name: 'pairs' | 'diff-rate' | 'p99-ratio';
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
 */
export function decideGate(row: RouteRow, t: GateThresholds): GateDecision {
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

  let verdict: GateVerdict;
  if (checks.some((c) => c.status === 'fail')) verdict = 'fail';
  else if (checks.some((c) => c.status === 'unknown')) verdict = 'insufficient';
  else verdict = 'pass';
  const shown = verdict === 'fail' ? reasons.filter((r) => !r.startsWith('only ')) : reasons;
  return { verdict, exitCode: GATE_EXIT[verdict], checks, reasons: shown };
}
