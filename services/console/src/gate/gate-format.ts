import { formatDuration, formatPercent } from '../cli/parse-flags.js';
import type { RouteRow } from '../stats/route-row.js';
import type { GateDecision, GateThresholds } from './gate-decision.js';

export interface GateScope {
  service: string;
  /** The one route gated, or undefined for all routes summed. */
  route?: string;
  windowMs: number;
  from: number;
  to: number;
}

export interface GateReport {
  verdict: GateDecision['verdict'];
  exitCode: GateDecision['exitCode'];
  scope: GateScope;
  thresholds: GateThresholds;
  checks: GateDecision['checks'];
  reasons: string[];
  totals: RouteRow;
  /** Routes in scope with the highest diff rates (at most 5). */
  worst: RouteRow[];
  /**
   * Routes whose pairs judged before a noise decision were recounted with it (the figures above
   * already include the recount); absent when none was.
   */
  recounted?: { route: string; pairs: number; paths: string[]; approximate: boolean }[];
}

const n = (x: number) => x.toLocaleString('en-US');
const ms = (x: number | null) =>
  x === null ? '—' : x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`;
const time = (at: number) => new Date(at).toISOString().slice(11, 16);

/** Routes with the highest diff rates among those with compared pairs (ties: more pairs first). */
export function worstRoutes(rows: readonly RouteRow[], limit = 5): RouteRow[] {
  return rows
    .filter((r) => r.compared > 0)
    .sort((a, b) => (b.diffRate ?? 0) - (a.diffRate ?? 0) || b.compared - a.compared)
    .slice(0, limit);
}

type Row = (k: string, v: string, limit: string, s: string) => string;

function latencyRow(r: GateReport, row: Row, status: string): string[] {
  if (r.thresholds.maxLatencyRatio === undefined) return [];
  const check = r.checks.find((c) => c.name === 'latency-ratio');
  const d = r.totals.latency.drift;
  const text =
    check?.status === 'fail'
      ? `shadow ${check.actual?.toFixed(2)}x the primary on the same requests (slowest route)`
      : d.ratio === null
        ? 'no paired latencies'
        : `median shadow/primary ${d.ratio.toFixed(2)}x over ${n(d.pairs)} paired requests`;
  return [row('latency', text, `max ${r.thresholds.maxLatencyRatio}x`, status)];
}

function severityRow(r: GateReport, row: Row, status: string): string[] {
  if (r.thresholds.failOn === undefined) return [];
  const w = r.totals.worst;
  const text = w
    ? `most severe: ${w.severity} ${w.kind === 'status' ? 'status' : `${w.kind} ${w.path || '(root)'}`} (${n(w.count)})`
    : 'no findings';
  return [row('severity', text, `fail on ${r.thresholds.failOn}`, status)];
}

/** The one-screen summary `shadowdiff gate` prints (without --json). */
export function formatGate(r: GateReport): string {
  const label = { pass: 'PASS', fail: 'FAIL', insufficient: 'NOT ENOUGH EVIDENCE' }[r.verdict];
  const t = r.totals;
  const status = (name: string) => {
    const c = r.checks.find((x) => x.name === name);
    return c === undefined ? '' : c.status === 'ok' ? 'ok' : c.status === 'fail' ? 'FAIL' : '?';
  };
  const row = (k: string, v: string, limit: string, s: string) =>
    `  ${k.padEnd(10)} ${v.padEnd(58)} ${limit.padEnd(14)} ${s}`.trimEnd();
  const lines = [
    `shadowdiff gate: ${label} (exit ${r.exitCode})`,
    row(
      'scope',
      `${r.scope.service}, ${r.scope.route ?? 'all routes'}, last ${formatDuration(r.scope.windowMs)} (${time(r.scope.from)}–${time(r.scope.to)} UTC)`,
      '',
      '',
    ),
    row(
      'pairs',
      `${n(t.compared)} compared (${n(t.pairs)} verdicts, ${n(t.outcomes.orphan)} orphans ${formatPercent(t.orphanRate, 1)})`,
      `needs >= ${n(r.thresholds.minPairs)}`,
      status('pairs'),
    ),
    row(
      'diff rate',
      `${formatPercent(t.diffRate)} (${n(t.outcomes.diff)} of ${n(t.compared)}; 95% CI ${formatPercent(t.diffInterval.low)}–${formatPercent(t.diffInterval.high)})`,
      `max ${formatPercent(r.thresholds.maxDiffRate)}`,
      status('diff-rate'),
    ),
  ];
  const p99 = r.checks.find((c) => c.name === 'p99-ratio');
  lines.push(
    row(
      'p99',
      `shadow ${ms(t.latency.shadow.p99)} / primary ${ms(t.latency.primary.p99)}` +
        (p99?.actual != null ? ` = ${p99.actual.toFixed(2)}x` : ''),
      r.thresholds.maxP99Ratio !== undefined ? `max ${r.thresholds.maxP99Ratio}x` : 'not gated',
      status('p99-ratio'),
    ),
    ...latencyRow(r, row, status('latency-ratio')),
    ...severityRow(r, row, status('severity')),
    row(
      'errors',
      `primary ${formatPercent(t.errorRate.primary)}, shadow ${formatPercent(t.errorRate.shadow)}`,
      '',
      '',
    ),
  );
  if (r.worst.length > 0 && r.scope.route === undefined) {
    lines.push('  worst routes');
    for (const w of r.worst) {
      const top = w.topPath
        ? `  top ${w.topPath.kind} ${w.topPath.path || '(root)'} (${n(w.topPath.total)})`
        : '';
      lines.push(
        `    ${w.route.padEnd(36)} ${formatPercent(w.diffRate).padStart(8)} of ${n(w.compared)}${top}`,
      );
    }
  }
  for (const c of r.recounted ?? []) {
    lines.push(
      `  recounted ${c.route}: ${n(c.pairs)} earlier diff pairs now match (noise ${c.paths.join(', ')})${c.approximate ? ', approximate' : ''}`,
    );
  }
  if (r.reasons.length > 0) {
    lines.push('  why');
    for (const reason of r.reasons) lines.push(`    - ${reason}`);
  }
  return `${lines.join('\n')}\n`;
}
