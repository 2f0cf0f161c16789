import { describe, expect, it } from 'vitest';
import { summarizeRoute } from '../stats/route-row.js';
import { routeStats } from '../stats/test-stats.js';
import { gateRequest } from './gate-command.js';
import { decideGate } from './gate-decision.js';
import { formatGate, worstRoutes } from './gate-format.js';
import type { GateReport } from './gate-format.js';

function report(match: number, diff: number): GateReport {
  const totals = summarizeRoute(
    routeStats('*', {
      outcomes: { match, diff, orphan: 3 },
      diffs: diff ? [{ kind: 'body', path: '/total', severity: 'minor', count: diff }] : [],
      ms: { primary: Array(match + diff).fill(12), shadow: Array(match + diff).fill(14) },
    }),
  );
  const thresholds = { maxDiffRate: 0.005, minPairs: 500, maxP99Ratio: 1.2 };
  const d = decideGate(totals, thresholds);
  const route = { ...totals, route: 'GET /orders/{id}' };
  return {
    verdict: d.verdict,
    exitCode: d.exitCode,
    scope: {
      service: 'shop',
      windowMs: 900_000,
      from: Date.parse('2026-11-26T10:00:00Z'),
      to: Date.parse('2026-11-26T10:15:00Z'),
    },
    thresholds,
    checks: d.checks,
    reasons: d.reasons,
    totals,
    worst: worstRoutes([route]),
  };
}

describe('gate summary', () => {
  it('fits one screen and says the verdict, the evidence and why', () => {
    const text = formatGate(report(980, 20));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('shadowdiff gate: FAIL (exit 1)');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(120);
    expect(text).toContain('shop, all routes, last 15m (10:00–10:15 UTC)');
    expect(text).toMatch(
      /diff rate\s+2\.00% \(20 of 1,000; 95% CI 1\.30%–3\.07%\)\s+max 0\.50%\s+FAIL/,
    );
    expect(text).toMatch(
      /pairs\s+1,000 compared \(1,003 verdicts, 3 orphans 0\.3%\)\s+needs >= 500\s+ok/,
    );
    expect(text).toContain('GET /orders/{id}');
    expect(text).toContain('top body /total (20)');
    expect(text).toContain('- diff rate 2.00% is over the limit 0.50%');
  });

  it('labels pass and not-enough-evidence', () => {
    expect(formatGate(report(1000, 0)).split('\n')[0]).toBe('shadowdiff gate: PASS (exit 0)');
    expect(formatGate(report(100, 0)).split('\n')[0]).toBe(
      'shadowdiff gate: NOT ENOUGH EVIDENCE (exit 2)',
    );
  });

  it('parses the flags exactly as documented and names a bad one', () => {
    const now = 1_000_000_000;
    expect(
      gateRequest(
        {
          'max-diff-rate': '0.5%',
          'min-pairs': '500',
          route: 'GET /a',
          window: '30m',
          'max-p99-ratio': '1.2',
        },
        'shop',
        now,
      ),
    ).toEqual({
      service: 'shop',
      maxDiffRate: 0.005,
      minPairs: 500,
      windowMs: 1_800_000,
      now,
      maxP99Ratio: 1.2,
      route: 'GET /a',
    });
    expect(gateRequest({ 'max-diff-rate': '1%', 'min-pairs': '10' }, 's', now).windowMs).toBe(
      900_000,
    );
    expect(() => gateRequest({ 'max-diff-rate': 'abc', 'min-pairs': '500' }, 's', now)).toThrow(
      "--max-diff-rate expects a percentage such as 0.5% or a fraction such as 0.005 (between 0 and 100%), got 'abc'",
    );
    expect(() => gateRequest({ 'min-pairs': '500' }, 's', now)).toThrow(
      '--max-diff-rate is required, e.g. --max-diff-rate 0.5%',
    );
    expect(() => gateRequest({ 'max-diff-rate': '1%' }, 's', now)).toThrow(
      '--min-pairs is required, e.g. --min-pairs 500',
    );
    expect(() =>
      gateRequest({ 'max-diff-rate': '1%', 'min-pairs': '5', window: '15' }, 's', now),
    ).toThrow(/--window expects a duration/);
    expect(
      gateRequest(
        {
          'max-diff-rate': '1%',
          'min-pairs': '5',
          'fail-on': 'critical',
          'max-latency-ratio': '1.5',
        },
        's',
        now,
      ),
    ).toMatchObject({ failOn: 'critical', maxLatencyRatio: 1.5 });
    expect(() =>
      gateRequest({ 'max-diff-rate': '1%', 'min-pairs': '5', 'fail-on': 'fatal' }, 's', now),
    ).toThrow(
      "--fail-on expects one of critical, major, minor (fail on any finding that severe or worse), got 'fatal'",
    );
    expect(() =>
      gateRequest({ 'max-diff-rate': '1%', 'min-pairs': '5', 'max-latency-ratio': 'x' }, 's', now),
    ).toThrow(/--max-latency-ratio/);
  });
});
