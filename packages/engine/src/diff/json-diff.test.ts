import fc from 'fast-check';
import type { DiffEntry } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { escapeSegment } from '../normalize/json-pointer.js';
import { diffDocuments } from './diff-documents.test-kit.js';
import type { RulesConfigInput } from '@shadowdiff/contracts';

/** Diffs two documents under rules for route `GET /r` (normalizing them as the judge would). */
const run = diffDocuments;

const onRoute = (rule: Record<string, unknown>): RulesConfigInput => ({
  routes: [{ route: 'GET /r', ...rule }],
});

const shape = (d: DiffEntry) => `${d.kind} ${d.op} ${d.severity} ${d.path}`;

describe('diffJson severities', () => {
  it('grades each kind of change', () => {
    const { diffs } = run(
      { keep: 1, gone: true, n: 1, t: 'x', arr: [1, 2] },
      { keep: 1, n: 2, t: 5, arr: [1, 2, 3], fresh: null },
    );
    expect(diffs.map(shape)).toEqual([
      'body remove major /gone',
      'body type major /t',
      'body replace minor /n',
      'body add info /arr/*',
      'body add info /fresh',
    ]);
    expect(diffs.find((d) => d.path === '/t')).toMatchObject({ primary: 'x', shadow: 5 });
  });

  it('reports a root type change once', () => {
    expect(run({ a: 1 }, [1]).diffs.map(shape)).toEqual(['body type major ']);
    expect(run('a', 'b').diffs.map(shape)).toEqual(['body replace minor ']);
  });

  it('collapses array indexes and id-like keys, keeping one entry per path', () => {
    const { diffs } = run(
      { items: [{ p: 1 }, { p: 2 }], users: { '8812': { n: 'a' }, '9913': { n: 'b' } } },
      { items: [{ p: 9 }, { p: 8 }], users: { '8812': { n: 'c' }, '9913': { n: 'd' } } },
    );
    expect(diffs.map(shape)).toEqual([
      'body replace minor /items/*/p',
      'body replace minor /users/*/n',
    ]);
  });

  it('escapes keys in paths', () => {
    expect(run({ 'a/b': 1, 'c~d': 1 }, { 'a/b': 2, 'c~d': 2 }).diffs.map((d) => d.path)).toEqual([
      '/a~1b',
      '/c~0d',
    ]);
  });

  it('bounds values carried in the verdict', () => {
    const big = { deep: Array.from({ length: 1000 }, (_, i) => ({ i })) };
    const [entry] = run({ x: big }, {}).diffs;
    expect(typeof entry?.primary).toBe('string');
    expect((entry?.primary as string).length).toBeLessThanOrEqual(121);
  });
});

describe('diffJson volatile values', () => {
  it.each([
    ['ISO-8601', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:02.500Z'],
    ['ISO-8601 offset', '2024-05-01T12:00:00+02:00', '2024-05-01T12:00:01+02:00'],
    ['RFC 1123', 'Wed, 01 May 2024 10:00:00 GMT', 'Wed, 01 May 2024 10:01:00 GMT'],
  ])('suppresses %s timestamps within tolerance', (_name, a, b) => {
    const r = run({ at: a }, { at: b });
    expect(r.diffs).toEqual([]);
    expect(r.suppressed).toEqual([{ kind: 'body', path: '/at', reason: 'volatile' }]);
  });

  it('suppresses epoch seconds and milliseconds under time-like keys only', () => {
    expect(run({ createdAt: 1714557600 }, { createdAt: 1714557630 }).diffs).toEqual([]);
    expect(run({ ts: 1714557600000 }, { ts: 1714557600999 }).diffs).toEqual([]);
    expect(run({ ts: '1714557600' }, { ts: '1714557601' }).diffs).toEqual([]);
    expect(run({ amount: 1714557600 }, { amount: 1714557630 }).diffs.map(shape)).toEqual([
      'body replace minor /amount',
    ]);
  });

  it('reports timestamps beyond tolerance and format changes', () => {
    expect(
      run(
        { at: '2024-05-01T10:00:00Z' },
        { at: '2024-05-01T10:00:01Z' },
        { timestampToleranceMs: 500 },
      ).diffs.map(shape),
    ).toEqual(['body replace minor /at']);
    expect(
      run({ at: '2024-05-01T10:00:00Z' }, { at: 'Wed, 01 May 2024 10:00:00 GMT' }).diffs.map(shape),
    ).toEqual(['body replace minor /at']);
    expect(run({ at: '2024-05-01T10:00:00Z' }, { at: '2024-05-01T10:00:00' }).diffs).toHaveLength(
      1,
    );
  });

  it('suppresses both-sides UUIDs, ULIDs and hex tokens, not one-sided ones', () => {
    const r = run(
      {
        id: '550e8400-e29b-41d4-a716-446655440000',
        u: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
        h: '9f86d081884c7d659a2feaa0',
        x: '550e8400-e29b-41d4-a716-446655440000',
      },
      {
        id: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
        u: '01BX5ZZKBKACTAV9WEVGEMMVRZ',
        h: '0a4d55a8d778e5022fab701c',
        x: 'not-a-uuid',
      },
    );
    expect(r.diffs.map(shape)).toEqual(['body replace minor /x']);
    expect(r.suppressed.map((s) => `${s.path} ${s.reason}`)).toEqual([
      '/id volatile',
      '/u volatile',
      '/h volatile',
    ]);
  });

  it('takes a hex token that came out all digits as a token, but not two long numbers', () => {
    // One random 16-hex token in ~1,800 has no letter; its partner still shows what the field is.
    const r = run(
      { rev: '4096818273640415', n: '4096818273640415', w: 'deadbeefdeadbeef' },
      { rev: '9f86d081884c7d65', n: '5550123400000000', w: 'facadefacadefaca' },
    );
    expect(r.suppressed.map((s) => `${s.path} ${s.reason}`)).toEqual(['/rev volatile']);
    expect(r.diffs.map(shape)).toEqual(['body replace minor /n', 'body replace minor /w']);
  });

  it('absorbs float noise and applies configured tolerance', () => {
    expect(run({ f: 0.1 + 0.2 }, { f: 0.3 }).diffs).toEqual([]);
    const rules = onRoute({ tolerance: { '/price': { abs: 0.01 }, '/stats': { rel: 0.05 } } });
    const r = run(
      { price: 10.0, stats: { a: 100, b: 100 }, other: 1 },
      { price: 10.005, stats: { a: 104, b: 110 }, other: 1.001 },
      rules,
    );
    expect(r.diffs.map(shape)).toEqual([
      'body replace minor /stats/b',
      'body replace minor /other',
    ]);
    expect(r.suppressed).toEqual([
      { kind: 'body', path: '/price', reason: 'rule' },
      { kind: 'body', path: '/stats/a', reason: 'rule' },
    ]);
  });
});

describe('diffJson array rules', () => {
  it('compares set arrays regardless of order', () => {
    const rules = onRoute({ arrays: { '/tags': 'set', '/rows': 'set' } });
    expect(
      run(
        { tags: ['a', 'b', 'c'], rows: [{ x: 1 }, { x: 2 }] },
        { tags: ['c', 'a', 'b'], rows: [{ x: 2 }, { x: 1 }] },
        rules,
      ),
    ).toEqual({ diffs: [], suppressed: [] });
    // Sorted as a set, then aligned by value: "a" is gone and "c" is new.
    expect(run({ tags: ['a', 'b'] }, { tags: ['b', 'c'] }, rules).diffs.map(shape)).toEqual([
      'body remove major /tags/*',
      'body add info /tags/*',
    ]);
    expect(run({ tags: ['a', 'b'] }, { tags: ['a', 'b'] }).diffs).toEqual([]);
    expect(run({ tags: ['a', 'b'] }, { tags: ['b', 'a'] }).diffs).toHaveLength(1);
  });

  it('matches arrays by key field', () => {
    const rules = onRoute({ arrays: { '/lines': { key: 'sku' } } });
    const r = run(
      {
        lines: [
          { sku: 'A', q: 1 },
          { sku: 'B', q: 2 },
          { sku: 'C', q: 3 },
        ],
      },
      {
        lines: [
          { sku: 'D', q: 4 },
          { sku: 'C', q: 3 },
          { sku: 'A', q: 5 },
        ],
      },
      rules,
    );
    expect(r.diffs.map(shape)).toEqual([
      'body remove major /lines/*',
      'body replace minor /lines/*/q',
      'body add info /lines/*',
    ]);
    // By position, everything would have looked changed.
    expect(
      run({ lines: [{ sku: 'A' }, { sku: 'B' }] }, { lines: [{ sku: 'B' }, { sku: 'A' }] }, rules)
        .diffs,
    ).toEqual([]);
  });
});

describe('diffJson properties', () => {
  const doc = fc.jsonValue({ maxDepth: 4 });

  it('a document diffed with itself gives nothing', () => {
    fc.assert(
      fc.property(doc, (d) => {
        expect(run(d, JSON.parse(JSON.stringify(d)) as unknown)).toEqual({
          diffs: [],
          suppressed: [],
        });
      }),
    );
  });

  /** Every pointer to a member of an object (not an array element), array indexes as `*`. */
  function memberPatterns(value: unknown, prefix = '', out: string[] = []): string[] {
    if (Array.isArray(value)) value.forEach((v) => memberPatterns(v, `${prefix}/*`, out));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // The config refuses `**` and a trailing empty key as likely typos (contracts patterns).
        if (k === '*' || k === '**' || k === '' || /^\d+$/.test(k)) continue;
        const p = `${prefix}/${escapeSegment(k)}`;
        out.push(p);
        memberPatterns(v, p, out);
      }
    }
    return out;
  }

  /** Deletes the members a pattern names, everywhere it matches. */
  function without(value: unknown, segments: string[]): unknown {
    if (value === null || typeof value !== 'object' || segments.length === 0) return value;
    const [head, ...rest] = segments as [string, ...string[]];
    if (Array.isArray(value)) {
      return head === '*' ? value.map((v) => without(v, rest)) : value;
    }
    // fromEntries defines own members: a "__proto__" key stays data, as JSON.parse makes it.
    const out: [string, unknown][] = [];
    for (const [k, v] of Object.entries(value)) {
      const hit = head === '*' || head === k;
      if (hit && rest.length === 0) continue;
      out.push([k, hit ? without(v, rest) : v]);
    }
    return Object.fromEntries(out);
  }

  it('ignoring a path removes exactly that path’s findings', () => {
    fc.assert(
      fc.property(doc, doc, fc.nat(), (a, b, pick) => {
        const patterns = [...memberPatterns(a), ...memberPatterns(b)];
        fc.pre(patterns.length > 0);
        const pattern = patterns[pick % patterns.length] as string;
        const segments = pattern
          .split('/')
          .slice(1)
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
        const ignored = run(a, b, onRoute({ ignore: [pattern] }));
        const removed = run(without(a, segments), without(b, segments));
        expect(ignored.diffs.map(shape)).toEqual(removed.diffs.map(shape));
        expect(ignored.suppressed.filter((s) => s.reason !== 'rule')).toEqual(removed.suppressed);
      }),
    );
  });
});
