import { pairedDeltaBucket, pairedRatioBucket } from '@shadowdiff/engine';
import { describe, expect, it } from 'vitest';
import { summarizeRoute } from '../stats/route-row.js';
import { routeStats } from '../stats/test-stats.js';
import { decideGate } from './gate-decision.js';

function row(match: number, diff: number, ms?: { primary: number[]; shadow: number[] }) {
  return summarizeRoute(routeStats('*', { outcomes: { match, diff }, ...(ms ? { ms } : {}) }));
}

const fast = (n: number) => Array<number>(n).fill(12);
const slow = (n: number) => Array<number>(n).fill(40);

describe('decideGate', () => {
  const t = { maxDiffRate: 0.005, minPairs: 500 };

  it.each([
    // [match, diff, verdict, exit]
    [600, 0, 'pass', 0],
    [997, 3, 'pass', 0], // 0.3% <= 0.5%
    [995, 5, 'pass', 0], // exactly at the limit passes
    [990, 10, 'fail', 1], // 1% > 0.5%
    [300, 0, 'insufficient', 2],
    [499, 0, 'insufficient', 2],
    [0, 0, 'insufficient', 2],
    [290, 10, 'fail', 1], // 3.3% of 300: even the interval's low end (~1.8%) is over 0.5%
    [298, 2, 'insufficient', 2], // 0.7% of 300: over the limit, but the interval reaches below it
    [100, 100, 'fail', 1], // 50% of 200: the interval's low end is far above the limit
  ] as const)('%i match + %i diff -> %s', (match, diff, verdict, exit) => {
    const d = decideGate(row(match, diff), t);
    expect(d.verdict).toBe(verdict);
    expect(d.exitCode).toBe(exit);
  });

  it('fails before min-pairs only when even the low end of the interval is over the limit', () => {
    const early = decideGate(row(48, 2), { maxDiffRate: 0.05, minPairs: 500 }); // 4% of 50
    expect(early.verdict).toBe('insufficient');
    expect(early.reasons).toEqual(['only 50 compared pairs; the gate needs 500']);
    const broken = decideGate(row(10, 40), { maxDiffRate: 0.05, minPairs: 500 });
    expect(broken.verdict).toBe('fail');
    expect(broken.reasons[0]).toMatch(/even at the low end of its 95% interval/);
  });

  it('checks the p99 ratio only when asked', () => {
    const latency = { primary: fast(600), shadow: slow(600) };
    expect(decideGate(row(600, 0, latency), t).verdict).toBe('pass');
    const d = decideGate(row(600, 0, latency), { ...t, maxP99Ratio: 1.2 });
    expect(d.verdict).toBe('fail');
    expect(d.exitCode).toBe(1);
    const check = d.checks.find((c) => c.name === 'p99-ratio')!;
    expect(check.actual).toBeGreaterThan(2);
    expect(d.reasons[0]).toMatch(/shadow p99 is .*x the primary's; the limit is 1.2x/);
    const same = decideGate(row(600, 0, { primary: fast(600), shadow: fast(600) }), {
      ...t,
      maxP99Ratio: 1.2,
    });
    expect(same.verdict).toBe('pass');
  });

  it('needs latency on both sides to pass a p99 check', () => {
    const d = decideGate(row(600, 0), { ...t, maxP99Ratio: 1.2 });
    expect(d.verdict).toBe('insufficient');
    expect(d.reasons).toEqual(['no latency samples on one side to compare p99']);
  });

  it('reports every failing check', () => {
    const d = decideGate(row(900, 100, { primary: fast(1000), shadow: slow(1000) }), {
      ...t,
      maxP99Ratio: 1.2,
    });
    expect(d.verdict).toBe('fail');
    expect(d.checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual([
      'diff-rate',
      'p99-ratio',
    ]);
    expect(d.reasons).toHaveLength(2);
  });
});

describe('decideGate --fail-on and --max-latency-ratio', () => {
  const t = { maxDiffRate: 0.5, minPairs: 10 };
  const withFindings = (route: string, diffs: Parameters<typeof routeStats>[1]['diffs']) =>
    summarizeRoute(routeStats(route, { outcomes: { match: 990, diff: 10 }, diffs: diffs ?? [] }));
  const minorOnly = withFindings('GET /a', [
    { kind: 'body', path: '/total', severity: 'minor', count: 10 },
  ]);
  const oneCritical = withFindings('GET /b', [
    { kind: 'body', path: '/total', severity: 'minor', count: 9 },
    { kind: 'status', path: 'status', severity: 'critical', count: 1 },
  ]);

  it('fails on one critical finding whatever the rate, and names it', () => {
    const d = decideGate(oneCritical, { ...t, failOn: 'critical' }, [minorOnly, oneCritical]);
    expect(d.exitCode).toBe(1);
    expect(d.checks.find((c) => c.name === 'severity')).toEqual({
      name: 'severity',
      status: 'fail',
      actual: 1,
      limit: 0,
    });
    expect(d.reasons[0]).toBe(
      'critical finding status on GET /b (1 pairs); --fail-on critical fails on any critical finding',
    );
    // Fails before min-pairs too: one 503 is enough evidence.
    const early = decideGate(oneCritical, { maxDiffRate: 0.5, minPairs: 5000, failOn: 'critical' });
    expect(early.exitCode).toBe(1);
  });

  it.each([
    ['critical', 0],
    ['major', 0],
    ['minor', 1],
  ] as const)('--fail-on %s over minor findings only -> exit %i', (failOn, exit) => {
    expect(decideGate(minorOnly, { ...t, failOn }, [minorOnly]).exitCode).toBe(exit);
  });

  const pairedRow = (route: string, list: [number, number][]) => {
    const ratio: Record<number, number> = {};
    const delta: Record<number, number> = {};
    for (const [s, p] of list) {
      const r = pairedRatioBucket(s, p);
      const d = pairedDeltaBucket(s - p);
      ratio[r] = (ratio[r] ?? 0) + 1;
      delta[d] = (delta[d] ?? 0) + 1;
    }
    return summarizeRoute(
      routeStats(route, { outcomes: { match: list.length }, paired: { ratio, delta } }),
      undefined,
      { latencyDrift: { ratio: 1.5 } },
    );
  };

  it('fails when a route is significantly slower on the same requests; unknown without pairs', () => {
    const slowRoute = pairedRow(
      'GET /slow',
      Array.from({ length: 20 }, () => [30, 10]),
    );
    const equal = pairedRow(
      'GET /eq',
      Array.from({ length: 200 }, () => [10, 10]),
    );
    const d = decideGate(equal, { ...t, maxLatencyRatio: 1.5 }, [equal, slowRoute]);
    expect(d.exitCode).toBe(1);
    expect(d.reasons.join(' ')).toMatch(
      /^GET \/slow is 2\.\d\dx slower on the shadow over 20 paired/,
    );
    expect(decideGate(equal, { ...t, maxLatencyRatio: 1.5 }, [equal]).exitCode).toBe(0);
    const none = summarizeRoute(routeStats('GET /x', { outcomes: { match: 50 } }));
    const unknown = decideGate(none, { ...t, maxLatencyRatio: 1.5 });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.reasons).toEqual([
      'only 0 pairs with both latencies; the latency check needs 10',
    ]);
  });
});
