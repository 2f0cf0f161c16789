import { randomBytes } from 'node:crypto';
import type { NoiseConfigInput, Verdict } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { noiseHarness } from './noise-pairs.test-kit.js';
import { allPendingNoise } from './pending.js';

const SERVICE = 'orders';
const ROUTE = 'GET /orders/{id}';

/** Judge -> learner -> stats table -> new view after every pair (a worker refreshes each second). */
function harness(config: NoiseConfigInput = {}) {
  const h = noiseHarness({ service: SERVICE, config, flushEvery: 1, url: '/orders/1' });
  return {
    pair: (primary: unknown, shadow: unknown, shadowStatus = 200): Verdict =>
      h.pair(primary, shadow, undefined, { shadowStatus }),
  };
}

const token = () => randomBytes(18).toString('base64url') + '9';
const shuffle = <T>(xs: readonly T[], seed: number): T[] => {
  const out = xs.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

describe('noise still being decided (Verdict.noisePending)', () => {
  it('marks a random-token diff pending from the second pair until the learner decides', () => {
    const h = harness({ minSamples: 20 });
    const first = h.pair({ cursor: token() }, { cursor: token() });
    // Nothing is known of the path yet: a plain diff.
    expect(first.outcome).toBe('diff');
    expect(first.noisePending).toBeUndefined();
    const warmup = Array.from({ length: 18 }, () =>
      h.pair({ cursor: token() }, { cursor: token() }),
    );
    for (const v of warmup) {
      expect(v.outcome).toBe('diff');
      expect(v.noisePending).toBe(true);
    }
    // minSamples reached: learned, suppressed, and the verdict is a match.
    for (let i = 0; i < 3; i++) h.pair({ cursor: token() }, { cursor: token() });
    const after = h.pair({ cursor: token() }, { cursor: token() });
    expect(after.outcome).toBe('match');
    expect(after.suppressed).toEqual([{ kind: 'body', path: '/cursor', reason: 'learned' }]);
    expect(after.noisePending).toBeUndefined();
  });

  it('never marks real drift: a changed number, a removed field, a status change, a mix', () => {
    const h = harness({ minSamples: 50 });
    for (let i = 0; i < 10; i++) {
      const v = h.pair({ cursor: token(), total: 10 + i }, { cursor: token(), total: 11 + i });
      expect(v.diffs.map((d) => d.path).sort()).toEqual(['/cursor', '/total']);
      // /total is a plain number: never noise, so the pair is real drift however noisy /cursor is.
      expect(v.noisePending).toBeUndefined();
    }
    const token5 = h.pair({ cursor: token() }, { cursor: token() });
    expect(token5.noisePending).toBe(true);
    const removed = h.pair({ cursor: token(), sku: 'A' }, { cursor: token() });
    expect(removed.diffs.map((d) => `${d.op} ${d.path}`).sort()).toEqual([
      'remove /sku',
      'replace /cursor',
    ]);
    expect(removed.noisePending).toBeUndefined();
    const status = h.pair({ cursor: token() }, { cursor: token() }, 503);
    expect(status.diffs.some((d) => d.kind === 'status')).toBe(true);
    expect(status.noisePending).toBeUndefined();
  });

  it('does not mark a value that changes on only some pairs', () => {
    const h = harness({ minSamples: 50 });
    let pending = 0;
    for (let i = 0; i < 30; i++) {
      const same = token();
      const v = h.pair({ code: same }, { code: i % 3 === 0 ? token() : same });
      if (v.noisePending) pending++;
    }
    // Changes on 1 pair in 3: below noise.minChangeRate (0.9) from the second change on.
    expect(pending).toBeLessThanOrEqual(1);
  });

  it('marks a shuffled set pending, but not a list the shadow now sorts', () => {
    const tags = ['red', 'green', 'blue', 'cyan', 'pink', 'gold'];
    const sets = harness({ minSamples: 40 });
    const verdicts = Array.from({ length: 20 }, (_, i) =>
      sets.pair({ tags: shuffle(tags, 2 * i + 1) }, { tags: shuffle(tags, 2 * i + 2) }),
    );
    const diffs = verdicts.slice(1).filter((v) => v.outcome === 'diff');
    expect(diffs.length).toBeGreaterThan(10);
    for (const v of diffs) {
      expect(v.diffs.map((d) => `${d.op} ${d.path}`)).toEqual(['reorder /tags']);
      expect(v.noisePending).toBe(true);
    }

    const sorted = harness({ minSamples: 40 });
    const later = Array.from({ length: 20 }, (_, i) => {
      const items = shuffle(tags, i + 7);
      return sorted.pair({ items }, { items: items.slice().sort() });
    }).slice(1);
    expect(later.filter((v) => v.outcome === 'diff').length).toBeGreaterThan(10);
    for (const v of later) expect(v.noisePending).toBeUndefined();
  });

  it('marks nothing with learning off', () => {
    const h = harness({ minSamples: 50, learn: false });
    for (let i = 0; i < 10; i++) {
      expect(h.pair({ cursor: token() }, { cursor: token() }).noisePending).toBeUndefined();
    }
  });

  it('allPendingNoise: every finding must be pending, status findings never are', () => {
    const filter = {
      suppress: () => undefined,
      pending: (_route: string, _kind: string, path: string) => path === '/cursor',
    };
    const cursor = { kind: 'body', path: '/cursor', op: 'replace', severity: 'minor' } as const;
    const total = { kind: 'body', path: '/total', op: 'replace', severity: 'minor' } as const;
    const status = { kind: 'status', path: 'status', op: 'replace', severity: 'critical' } as const;
    expect(allPendingNoise(filter, ROUTE, [cursor])).toBe(true);
    expect(allPendingNoise(filter, ROUTE, [cursor, total])).toBe(false);
    expect(allPendingNoise(filter, ROUTE, [cursor, status])).toBe(false);
    expect(allPendingNoise(filter, ROUTE, [])).toBe(false);
    expect(allPendingNoise({ suppress: () => undefined }, ROUTE, [cursor])).toBe(false);
    expect(allPendingNoise(undefined, ROUTE, [cursor])).toBe(false);
  });
});
