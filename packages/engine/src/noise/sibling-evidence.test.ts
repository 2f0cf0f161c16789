import type { Verdict } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { noiseHarness } from './noise-pairs.test-kit.js';
import { SiblingEvidence } from './sibling-evidence.js';

const SERVICE = 'shop';

/** A learner, its store and `judge`, pair by pair, over any route of one service. */
function harness() {
  const h = noiseHarness({ service: SERVICE, url: '/' });
  return {
    decisions: h.decisions,
    flush: h.flush,
    pair: (url: string, primary: unknown, shadow: unknown, secondary?: unknown): Verdict =>
      h.pair(primary, shadow, secondary, { url }),
  };
}

const reported = (v: Verdict) => v.diffs.map((d) => `${d.path} ${d.op}`).sort();

/** Routes `/r0 … /rN` where the primary's `tookMs` differs from itself on every self-check. */
function noisyTookMs(h: ReturnType<typeof harness>, routes: number): void {
  for (let r = 0; r < routes; r++) {
    for (let i = 0; i < 2; i++) h.pair(`/r${r}`, { tookMs: 3 + i }, { tookMs: 30 }, { tookMs: 9 });
  }
}

describe('sibling routes: self-check evidence of the service covers a new route', () => {
  it("a new route's first pair, whose own self-check agreed by chance, borrows the siblings' evidence", () => {
    const h = harness();
    // The new route's own check shows tookMs equal on both primary calls (a coincidence).
    expect(reported(h.pair('/fresh', { tookMs: 7 }, { tookMs: 20 }, { tookMs: 7 }))).toEqual([
      '/tookMs replace',
    ]);
    noisyTookMs(h, 2);
    // On the worker at once (its own recent self-checks), and through the store after a refresh.
    const v = h.pair('/other', { tookMs: 7 }, { tookMs: 20 }, { tookMs: 7 });
    expect(v.outcome).toBe('match');
    expect(v.suppressed).toContainEqual({ kind: 'body', path: '/tookMs', reason: 'secondary' });
    h.flush();
    expect(h.pair('/third', { tookMs: 7 }, { tookMs: 20 }).outcome).toBe('match');
  });

  it('one noisy sibling is not enough; structural changes and other paths stay reported', () => {
    const h = harness();
    noisyTookMs(h, 1);
    h.flush();
    expect(reported(h.pair('/fresh', { tookMs: 7 }, { tookMs: 20 }))).toEqual(['/tookMs replace']);
    noisyTookMs(h, 3);
    h.flush();
    expect(reported(h.pair('/a', { tookMs: 7, total: 5 }, { total: 6 }))).toEqual([
      '/tookMs remove',
      '/total replace',
    ]);
    expect(reported(h.pair('/b', { tookMs: 7 }, { tookMs: '7' }))).toEqual(['/tookMs type']);
  });

  it('a route whose own primary held still twice at the path reports the change there', () => {
    const h = harness();
    noisyTookMs(h, 3);
    h.flush();
    h.pair('/steady', { tookMs: 7 }, { tookMs: 7 }, { tookMs: 7 });
    h.pair('/steady', { tookMs: 7 }, { tookMs: 7 }, { tookMs: 7 });
    // Two self-checks of its own agreed: the route's tookMs is a real value, its drift is drift.
    expect(reported(h.pair('/steady', { tookMs: 7 }, { tookMs: 20 }))).toEqual(['/tookMs replace']);
    h.flush();
    expect(reported(h.pair('/steady', { tookMs: 7 }, { tookMs: 20 }))).toEqual(['/tookMs replace']);
  });

  it('a route whose own primary differed there once, and held still twice by chance, borrows the evidence', () => {
    const h = harness();
    noisyTookMs(h, 3);
    h.pair('/lucky', { tookMs: 7 }, { tookMs: 20 }, { tookMs: 9 });
    h.pair('/lucky', { tookMs: 7 }, { tookMs: 20 }, { tookMs: 7 });
    h.pair('/lucky', { tookMs: 7 }, { tookMs: 20 }, { tookMs: 7 });
    // 1 of 3 is under the route's own share, but the field is proven non-deterministic here.
    for (const flush of [false, true]) {
      if (flush) h.flush();
      const v = h.pair('/lucky', { tookMs: 7 }, { tookMs: 20 });
      expect(v.outcome).toBe('match');
      expect(v.suppressed).toContainEqual({ kind: 'body', path: '/tookMs', reason: 'secondary' });
    }
  });

  it('a path a user rejected as noise on one route is never borrowed', () => {
    const h = harness();
    noisyTookMs(h, 3);
    h.decisions.push({
      route: 'GET /r0',
      kind: 'body',
      aspect: 'value',
      path: '/tookMs',
      decision: 'rejected',
      at: 1,
    });
    h.flush();
    expect(reported(h.pair('/fresh', { tookMs: 7 }, { tookMs: 20 }))).toEqual(['/tookMs replace']);
  });
});

describe('SiblingEvidence', () => {
  const k = 'body\u0000/tookMs';
  it('counts noisy routes against routes where the field drifted while the primary held still', () => {
    const s = new SiblingEvidence();
    s.addRoute(3, new Map([[k, 2]]), [k]);
    s.addRoute(2, new Map([[k, 2]]), []);
    expect(s.explains(k, 'replace')).toBe(true);
    s.addRoute(3, new Map(), [k]); // drift there: 2 noisy < 3 x 1 stable
    expect(s.explains(k, 'replace')).toBe(false);
    expect(s.explains(k, 'replace', 1)).toBe(true);
  });

  it('a reorder needs its own (lower) share: one reorder in three self-checks is noise', () => {
    const s = new SiblingEvidence();
    const tags = 'body\u0000/tags';
    s.addRoute(3, new Map([[tags, 1]]), []);
    s.addRoute(3, new Map([[tags, 1]]), []);
    expect(s.explains(tags, 'reorder')).toBe(true);
    expect(s.explains(tags, 'replace')).toBe(false);
  });
});
