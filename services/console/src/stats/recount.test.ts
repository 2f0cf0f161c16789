import { describe, expect, it } from 'vitest';
import type { NoiseEntryView } from '../noise/console-noise.js';
import { recountStats } from './recount.js';
import { routeStats } from './test-stats.js';

function entry(path: string, over: Partial<NoiseEntryView> = {}): NoiseEntryView {
  return {
    id: `n-${path}`,
    service: 'shop',
    route: 'GET /a',
    kind: 'body',
    aspect: 'value',
    path,
    state: 'learned',
    active: true,
    evidence: { samples: 50, changes: 50, changeRate: 1, distinct: 50, valueKind: 'token' },
    ...over,
  };
}

// 100 compared: 60 match; 40 diff, of which 25 only /token, 5 /token + /tags, 6 only /total
// (not noise), 4 with a major /token removal (kept whatever noise says).
const stats = () =>
  routeStats('GET /a', {
    outcomes: { match: 60, diff: 40 },
    diffs: [
      { kind: 'body', path: '/token', severity: 'minor', count: 30 },
      { kind: 'body', path: '/token', severity: 'major', count: 4 },
      { kind: 'body', path: '/tags', severity: 'minor', count: 5 },
      { kind: 'body', path: '/total', severity: 'minor', count: 6 },
    ],
    diffSets: [
      { paths: ['body /token'], count: 25 },
      { paths: ['body /tags', 'body /token'], count: 5 },
      { paths: ['body /total'], count: 6 },
    ],
  });

describe('recountStats', () => {
  it('moves pairs whose only findings are noise to matches, and their findings to suppressed', () => {
    const { stats: s, recount } = recountStats(stats(), [entry('/token')]);
    expect(s.outcomes).toMatchObject({ match: 85, diff: 15 });
    expect(s.paths).toEqual([
      { kind: 'body', path: '/total', total: 6, bySeverity: { minor: 6 } },
      { kind: 'body', path: '/tags', total: 5, bySeverity: { minor: 5 } },
      // A removed field is never noise: the major findings stay.
      { kind: 'body', path: '/token', total: 4, bySeverity: { major: 4 } },
    ]);
    expect(s.suppressed).toEqual([
      { kind: 'body', path: '/token', total: 30, byReason: { learned: 30 } },
    ]);
    expect(recount).toEqual({
      paths: [{ kind: 'body', path: '/token', aspect: 'value', state: 'learned', findings: 30 }],
      pairs: 25,
      before: { diff: 40, diffRate: 0.4 },
      unrecountable: 0,
      approximate: false,
    });
    // Both paths noise: the mixed pairs match too.
    const both = recountStats(stats(), [entry('/token'), entry('/tags', { aspect: 'order' })]);
    expect(both.stats.outcomes.diff).toBe(10);
    expect(both.recount?.pairs).toBe(30);
  });

  it('ignores rejected entries, other routes and other kinds, and changes nothing without noise', () => {
    const s = stats();
    expect(recountStats(s, undefined)).toEqual({ stats: s });
    expect(recountStats(s, [])).toEqual({ stats: s });
    expect(recountStats(s, [entry('/token', { state: 'rejected', active: false })])).toEqual({
      stats: s,
    });
    expect(recountStats(s, [entry('/token', { route: 'GET /b' })])).toEqual({ stats: s });
    expect(recountStats(s, [entry('/token', { kind: 'header' })])).toEqual({ stats: s });
    expect(recountStats(s, [entry('/absent')])).toEqual({ stats: s });
  });

  it('says the recount is approximate when the store could not keep every pair by set', () => {
    const s = routeStats('GET /a', {
      outcomes: { match: 0, diff: 10 },
      diffs: [{ kind: 'body', path: '/token', severity: 'minor', count: 10 }],
      diffSets: [{ paths: ['body /token'], count: 7 }],
      diffSetsDropped: 3,
    });
    const { stats: after, recount } = recountStats(s, [entry('/token')]);
    expect(after.outcomes).toMatchObject({ match: 7, diff: 3 });
    expect(recount).toMatchObject({ pairs: 7, unrecountable: 3, approximate: true });
  });
});
