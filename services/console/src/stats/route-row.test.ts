import { describe, expect, it } from 'vitest';
import { summarizeRoute, sumStats } from './route-row.js';
import { routeStats } from './test-stats.js';

describe('summarizeRoute', () => {
  it('derives rates over the right denominators', () => {
    const row = summarizeRoute(
      routeStats('GET /a', {
        outcomes: { match: 150, diff: 50, orphan: 10, error: 2 },
        diffs: [{ kind: 'body', path: '/total', severity: 'minor', count: 50 }],
        responses: {
          primary: { '2xx': 200, '5xx': 2 },
          shadow: { '2xx': 190, '5xx': 8, error: 4 },
        },
        missing: { shadow: 10 },
        unmirrored: { method: 7 },
      }),
    );
    expect(row.compared).toBe(200);
    expect(row.pairs).toBe(212);
    expect(row.diffRate).toBe(0.25);
    expect(row.diffInterval.low).toBeCloseTo(0.1951, 4);
    expect(row.orphanRate).toBeCloseTo(10 / 212, 12);
    expect(row.errorRate.primary).toBeCloseTo(2 / 202, 12);
    expect(row.errorRate.shadow).toBeCloseTo(12 / 202, 12);
    expect(row.topPath).toEqual({ kind: 'body', path: '/total', total: 50 });
    expect(row.unmirrored).toBe(7);
    expect(row.missing).toEqual({ shadow: 10 });
  });

  it('leaves rates null without data rather than claiming 0%', () => {
    const row = summarizeRoute(routeStats('GET /empty', {}));
    expect(row.diffRate).toBeNull();
    expect(row.orphanRate).toBeNull();
    expect(row.errorRate).toEqual({ primary: null, shadow: null });
    expect(row.latency.primary).toEqual({ count: 0, p50: null, p95: null, p99: null });
    expect(row.diffInterval).toEqual({ low: 0, high: 1 });
  });

  it('sums routes: counts add, histograms merge, paths combine', () => {
    const a = routeStats('GET /a', {
      outcomes: { match: 9, diff: 1 },
      diffs: [{ kind: 'body', path: '/x', severity: 'minor', count: 1 }],
      ms: { primary: Array(10).fill(4), shadow: Array(10).fill(12) },
      suppressed: [{ kind: 'body', path: '/id', reason: 'volatile', count: 3 }],
    });
    const b = routeStats('GET /b', {
      outcomes: { match: 7, diff: 3 },
      diffs: [{ kind: 'body', path: '/x', severity: 'major', count: 3 }],
      ms: { primary: Array(10).fill(4), shadow: Array(10).fill(40) },
      suppressed: [{ kind: 'body', path: '/id', reason: 'learned', count: 2 }],
    });
    const sum = sumStats([a, b], 'shop', '*');
    expect(sum.outcomes).toEqual({ match: 16, diff: 4, orphan: 0, error: 0 });
    expect(sum.paths).toEqual([
      { kind: 'body', path: '/x', total: 4, bySeverity: { minor: 1, major: 3 } },
    ]);
    expect(sum.suppressed).toEqual([
      { kind: 'body', path: '/id', total: 5, byReason: { volatile: 3, learned: 2 } },
    ]);
    const row = summarizeRoute(sum);
    expect(row.diffRate).toBe(0.2);
    expect(row.latency.shadow.count).toBe(20);
    // Half the shadow samples sit in (10, 15], half in (30, 50]: the median is the first bucket's top.
    expect(row.latency.shadow.p50).toBeCloseTo(15, 9);
    expect(row.latency.shadow.p99).toBeGreaterThan(30);
  });
});
