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
