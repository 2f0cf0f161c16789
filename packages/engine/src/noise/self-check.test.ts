import { randomBytes } from 'node:crypto';
import type { NoiseConfigInput, Role, TapRecord, Verdict } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { jsonRecord, noiseHarness } from './noise-pairs.test-kit.js';
import { judge } from '../judge/judge.js';
import { compileRules } from '../route/compile-rules.js';

const SERVICE = 'search';
const ROUTE = 'GET /search';

const URL = '/search?q=shoes';
const record = (traceId: string, role: Role, body: unknown, status = 200): TapRecord =>
  jsonRecord({ traceId, role, service: SERVICE, url: URL, body, status });

/** A random 16-character base64url cursor: free text to the learner, a value that never repeats. */
const cursor = () => randomBytes(12).toString('base64url');
/**
 * A service timing: a plain number to the learner. Never the same twice in a row (a random one
 * repeated 1 call in 400, and a test that needs the primary to differ from itself then flaked).
 */
let ticks = 0;
const took = () => 3 + ((ticks++ * 7_919) % 400);
/** One answer of the search service: cursor and tookMs differ on every call, even of one primary. */
const answer = (over: Record<string, unknown> = {}) => ({
  results: [{ id: 'a', price: 10 }],
  cursor: cursor(),
  tookMs: took(),
  ...over,
});

const harness = (config: NoiseConfigInput = {}) =>
  noiseHarness({ service: SERVICE, config, url: URL });

const reported = (v: Verdict) => v.diffs.map((d) => d.path).sort();
const suppressed = (v: Verdict, reason: string) =>
  v.suppressed
    .filter((s) => s.reason === reason)
    .map((s) => s.path)
    .sort();

describe('self-check: noise proven by asking the primary twice', () => {
  it('without a secondary the first pair of a route reports cursor and tookMs (the issue 14.5 symptom)', () => {
    const h = harness();
    const v = h.pair(answer(), answer());
    expect(v.outcome).toBe('diff');
    expect(reported(v)).toEqual(['/cursor', '/tookMs']);
  });

  it('suppresses cursor and tookMs on the first pair of a route when the pair has a secondary', () => {
    const h = harness();
    const v = h.pair(answer(), answer(), answer());
    expect(v.outcome).toBe('match');
    expect(v.diffs).toEqual([]);
    expect(suppressed(v, 'secondary')).toEqual(['/cursor', '/tookMs']);
  });

  it('judge alone (no learner) suppresses them too, and keeps a real drift at a stable path', () => {
    const rules = compileRules({});
    const records = {
      primary: record('t', 'primary', answer()),
      shadow: record('t', 'shadow', answer({ results: [{ id: 'a', price: 11 }] })),
      secondary: record('t', 'secondary', answer()),
    };
    const v = judge(
      { traceId: 't', service: SERVICE, records, expected: ['primary', 'shadow', 'secondary'] },
      { rules, now: 1 },
    );
    expect(v.outcome).toBe('diff');
    expect(v.diffs.map((d) => [d.path, d.op])).toEqual([['/results/*/price', 'replace']]);
    expect(suppressed(v, 'secondary')).toEqual(['/cursor', '/tookMs']);
  });

  it('never suppresses a status change, nor a structural change the secondary did not show', () => {
    const h = harness();
    // Shadow lost tookMs (remove) and answers 503: the primary's own tookMs changing explains neither.
    const lost = answer();
    delete (lost as Record<string, unknown>).tookMs;
    const v = h.pair(answer(), lost, answer());
    expect(v.diffs.map((d) => [d.path, d.op])).toEqual([['/tookMs', 'remove']]);
    expect(suppressed(v, 'secondary')).toEqual(['/cursor']);

    const rules = compileRules({});
    const s = judge(
      {
        traceId: 'x',
        service: SERVICE,
        records: {
          primary: record('x', 'primary', answer()),
          shadow: record('x', 'shadow', answer(), 201),
          secondary: record('x', 'secondary', answer(), 202),
        },
        expected: ['primary', 'shadow', 'secondary'],
      },
      { rules, now: 1 },
    );
    expect(s.diffs.find((d) => d.kind === 'status')).toMatchObject({ op: 'replace' });
  });

  it('later pairs of the route without a secondary are suppressed at once on the same worker', () => {
    const h = harness();
    h.pair(answer(), answer(), answer());
    // No refresh yet: the evidence of the self-checked pair applies straight away.
    const next = h.pair(answer(), answer());
    expect(next.outcome).toBe('match');
    expect(suppressed(next, 'secondary')).toEqual(['/cursor', '/tookMs']);
    // Drained to the store but not applied yet: still known.
    h.drainOnly();
    expect(h.pair(answer(), answer()).outcome).toBe('match');
  });

  it('learned through the store: listed as learned, and later pairs without a secondary are suppressed', () => {
    const h = harness();
    h.pair(answer(), answer(), answer());
    h.flush();
    // The value paths the pair proved are learned entries (noise list, export, confirm/reject).
    const listed = h.list().filter((l) => l.status === 'learned');
    expect(listed.map((l) => l.path).sort()).toEqual(['/cursor', '/tookMs']);
    expect(listed[0]!.reason).toMatch(/primary's own two answers .* differed here in 1 of 1/);
    expect(h.marks()).toHaveLength(2);
    for (let i = 0; i < 20; i++) {
      const v = h.pair(answer(), answer());
      expect(v.outcome).toBe('match');
      expect(suppressed(v, 'learned')).toEqual(['/cursor', '/tookMs']);
    }
    // A real drift on the same route is still reported.
    const drift = h.pair(answer(), answer({ results: [{ id: 'a', price: 12 }] }));
    expect(reported(drift)).toEqual(['/results/*/price']);
  });

  it('a path the primary changes only now and then between two calls is not learned across pairs', () => {
    const h = harness();
    // stock differs between primary and secondary in 1 of 4 self-checked pairs.
    for (let i = 0; i < 4; i++) {
      h.pair({ stock: 5 }, { stock: 5 }, { stock: i === 0 ? 4 : 5 });
    }
    h.flush();
    expect(reported(h.pair({ stock: 5 }, { stock: 6 }))).toEqual(['/stock']);
  });

  it('a list the primary shuffles, kept in order by chance in 2 of 3 self-checks: a reorder there is noise after, on the worker and through the store', () => {
    const h = harness();
    const list = { tags: ['a', 'b', 'c'] };
    const moved = { tags: ['c', 'a', 'b'] };
    // A shuffle of three keeps its order 1 time in 6: only 1 of the 3 self-checks shows it.
    h.pair(list, moved, moved);
    h.pair(list, list, list);
    h.pair(list, list, list);
    for (let i = 0; i < 3; i++) {
      const v = h.pair(list, { tags: ['b', 'c', 'a'] });
      expect(v.outcome).toBe('match');
      expect(suppressed(v, 'secondary')).toEqual(['/tags']);
    }
    h.flush();
    const after = h.pair(list, { tags: ['c', 'b', 'a'] });
    expect(after.outcome).toBe('match');
    expect(suppressed(after, 'secondary')).toEqual(['/tags']);
  });

  it('a reorder reported on the first pair (the self-check kept order by chance) is a learned order entry once later self-checks prove it, so the recount covers that pair', () => {
    const h = harness();
    const list = { tags: ['a', 'b', 'c'] };
    const first = h.pair(list, { tags: ['c', 'a', 'b'] }, list);
    expect(first.diffs.map((d) => `${d.op} ${d.path}`)).toEqual(['reorder /tags']);
    h.pair(list, list, { tags: ['b', 'c', 'a'] });
    h.pair(list, list, { tags: ['c', 'b', 'a'] });
    h.flush();
    const order = h.list().find((l) => l.path === '/tags' && l.aspect === 'order');
    expect(order).toMatchObject({ status: 'learned' });
    expect(order!.reason).toMatch(/primary's own two answers .* differed here in 2 of 3/);
  });

  it('a list the primary never reorders against itself stays a reorder finding; a value seen in 1 of 3 stays reported', () => {
    const h = harness();
    for (let i = 0; i < 3; i++) {
      h.pair(
        { tags: ['a', 'b', 'c'], stock: 5 },
        { tags: ['a', 'b', 'c'], stock: 5 },
        {
          tags: ['a', 'b', 'c'],
          stock: i === 0 ? 4 : 5,
        },
      );
    }
    for (const flush of [false, true]) {
      if (flush) h.flush();
      const v = h.pair({ tags: ['a', 'b', 'c'], stock: 5 }, { tags: ['c', 'b', 'a'], stock: 6 });
      expect(v.outcome).toBe('diff');
      expect(v.diffs.map((d) => `${d.op} ${d.path}`).sort()).toEqual([
        'reorder /tags',
        'replace /stock',
      ]);
    }
  });

  it('a user rejection of a path wins over self-check evidence, on the pair itself and after', () => {
    const h = harness();
    h.decisions.push({
      route: ROUTE,
      kind: 'body',
      aspect: 'value',
      path: '/tookMs',
      decision: 'rejected',
      at: 0,
    });
    h.flush();
    const first = h.pair(answer(), answer(), answer());
    expect(reported(first)).toEqual(['/tookMs']);
    h.flush();
    expect(reported(h.pair(answer(), answer()))).toEqual(['/tookMs']);
  });

  it('learning off: the pair itself still proves its noise, later pairs are not learned', () => {
    const h = harness({ learn: false });
    expect(h.pair(answer(), answer(), answer()).outcome).toBe('match');
    h.flush();
    expect(reported(h.pair(answer(), answer()))).toEqual(['/cursor', '/tookMs']);
  });

  it('the Diffy role keeps its rate thresholds: self-check evidence is not learned across pairs', () => {
    const h = harness({ secondary: { enabled: true } });
    // The secondary differs at /x in 6 of 10 pairs (enough for self-check), the shadow in all 10:
    // Diffy reports it (excess 0.4 over the noise rate of 0.6).
    for (let i = 0; i < 10; i++) h.pair({ x: 1 }, { x: 2 }, { x: i < 6 ? 3 : 1 });
    h.flush();
    expect(reported(h.pair({ x: 1 }, { x: 2 }, { x: 1 }))).toEqual(['/x']);
    // Without the Diffy role the same evidence is self-check noise.
    const s = harness();
    for (let i = 0; i < 10; i++) s.pair({ x: 1 }, { x: 2 }, { x: i < 6 ? 3 : 1 });
    s.flush();
    expect(suppressed(s.pair({ x: 1 }, { x: 2 }), 'learned')).toEqual(['/x']);
  });
});
