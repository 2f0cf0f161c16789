import fc from 'fast-check';
import type { DiffEntry, RulesConfigInput } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { REORDER_SHOWN, identityKey } from './array-align.js';
import { compileRules } from '../route/compile-rules.js';
import { diffDocuments } from './diff-documents.test-kit.js';

function run(a: unknown, b: unknown, config: RulesConfigInput = {}): DiffEntry[] {
  return diffDocuments(a, b, config).diffs;
}

/** `op path at` of each finding, walk order within a severity. */
const shape = (d: DiffEntry) => `${d.op} ${d.path}${d.at === undefined ? '' : ' ' + d.at}`;

const line = (sku: string, qty = 1, price = 10) => ({ sku, qty, price });

describe('arrays of objects matched by identity key', () => {
  it('a removed element is one finding named by its key', () => {
    const a = { items: [line('SKU-66-1'), line('SKU-66-2'), line('SKU-66-3')] };
    const b = { items: [line('SKU-66-2'), line('SKU-66-3')] };
    const diffs = run(a, b);
    expect(diffs.map(shape)).toEqual(['remove /items/* /items[sku=SKU-66-1]']);
    expect(diffs[0]?.primary).toBe(JSON.stringify(line('SKU-66-1')));
    expect(diffs[0]?.severity).toBe('major');
  });

  it('an inserted element is one add; a changed field is named inside its element', () => {
    const a = { items: [line('A'), line('B')] };
    const b = { items: [line('N'), line('A'), line('B', 1, 12)] };
    expect(run(a, b).map(shape)).toEqual([
      'replace /items/*/price /items[sku=B]/price',
      'add /items/* /items[sku=N]',
    ]);
  });

  it('a pure reorder is one reorder finding carrying the keys in each order', () => {
    const a = { items: [line('A'), line('B'), line('C')] };
    const b = { items: [line('C'), line('A'), line('B')] };
    const diffs = run(a, b);
    expect(diffs.map(shape)).toEqual(['reorder /items']);
    expect(diffs[0]).toMatchObject({ severity: 'minor', primary: ['A', 'B', 'C'] });
    expect(diffs[0]?.shadow).toEqual(['C', 'A', 'B']);
  });

  it('a move plus a change gives the reorder and the element finding', () => {
    const a = { items: [line('A'), line('B'), line('C')] };
    const b = { items: [line('B'), line('C'), line('A', 2)] };
    expect(run(a, b).map(shape)).toEqual([
      'reorder /items',
      'replace /items/*/qty /items[sku=A]/qty',
    ]);
  });

  it('a removal alone is no reorder (the others keep their relative order)', () => {
    const a = { items: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }] };
    const b = { items: [{ id: 1 }, { id: 3 }, { id: 4 }] };
    expect(run(a, b).map(shape)).toEqual(['remove /items/* /items[id=2]']);
  });

  it('prefers id over other unique fields, and finds any unique scalar field', () => {
    const a = [
      { name: 'x', id: 1 },
      { name: 'y', id: 2 },
    ];
    expect(identityKey(a, a)?.field).toBe('id');
    const b = [
      { color: 'red', n: 1 },
      { color: 'red', n: 2 },
    ];
    expect(identityKey(b, b)?.field).toBe('n');
  });

  it('falls back to position on duplicate keys', () => {
    const a = {
      items: [
        { id: 1, v: 1 },
        { id: 1, v: 1 },
      ],
    };
    const b = {
      items: [
        { id: 1, v: 2 },
        { id: 1, v: 1 },
      ],
    };
    expect(identityKey(a.items, b.items)).toBeUndefined();
    expect(run(a, b).map(shape)).toEqual(['replace /items/*/v /items[0]/v']);
  });

  it('falls back to position when no field identifies the elements', () => {
    const a = { items: [{ v: 1 }, { v: 1 }] };
    const b = { items: [{ v: 1 }, { v: 2 }] };
    expect(run(a, b).map(shape)).toEqual(['replace /items/*/v /items[1]/v']);
    // A unique field whose values differ on every call (a token) identifies nothing.
    const c = {
      items: [
        { t: 'a1', p: 1 },
        { t: 'a2', p: 1 },
      ],
    };
    const d = {
      items: [
        { t: 'b1', p: 1 },
        { t: 'b2', p: 3 },
      ],
    };
    expect(identityKey(c.items, d.items)).toBeUndefined();
  });

  it('aligns nested arrays, naming every level', () => {
    const a = {
      orders: [
        { id: 'o1', lines: [line('A'), line('B')] },
        { id: 'o2', lines: [] },
      ],
    };
    const b = {
      orders: [
        { id: 'o2', lines: [] },
        { id: 'o1', lines: [line('B')] },
      ],
    };
    expect(run(a, b).map(shape)).toEqual([
      'remove /orders/*/lines/* /orders[id=o1]/lines[sku=A]',
      'reorder /orders',
    ]);
  });

  it('a configured key names elements the same way and validates at compile time', () => {
    const rules = { routes: [{ route: 'GET /r', arrays: { '/items': { key: 'code' } } }] };
    const a = { items: [{ code: 'x', v: 1 }] };
    const b = { items: [{ code: 'x', v: 2 }] };
    expect(run(a, b, rules).map(shape)).toEqual(['replace /items/*/v /items[code=x]/v']);
    expect(() =>
      compileRules({ routes: [{ route: 'GET /r', arrays: { '/items': { key: '' } } }] }),
    ).toThrow(/arrays\.\/items\.key/);
  });

  it('quotes a key that would break the notation', () => {
    const a = { items: [{ id: 'a/b]' }, { id: 'c' }] };
    const b = { items: [{ id: 'c' }] };
    expect(run(a, b).map(shape)).toEqual(['remove /items/* /items[id="a/b]"]']);
  });
});

describe('arrays of scalars aligned by value', () => {
  it('a shuffle is one reorder, a removal one remove named by value', () => {
    expect(run({ tags: ['red', 'green', 'blue'] }, { tags: ['blue', 'red', 'green'] })).toEqual([
      {
        kind: 'body',
        path: '/tags',
        op: 'reorder',
        severity: 'minor',
        primary: ['red', 'green', 'blue'],
        shadow: ['blue', 'red', 'green'],
      },
    ]);
    expect(run({ tags: ['sale', 'new'] }, { tags: ['new'] }).map(shape)).toEqual([
      'remove /tags/* /tags[="sale"]',
    ]);
    expect(run({ n: [1, 2] }, { n: [1, 3, 2] }).map(shape)).toEqual(['add /n/* /n[=3]']);
  });

  it('values appended, inserted in one run or cut are one add / remove each, named by value', () => {
    const tags = ['alpha', 'beta', 'gamma'];
    expect(run({ tags }, { tags: [...tags, 'delta'] }).map(shape)).toEqual([
      'add /tags/* /tags[="delta"]',
    ]);
    expect(run({ tags }, { tags: ['alpha', 'x', 'y', 'beta', 'gamma'] }).map(shape)).toEqual([
      'add /tags/* /tags[="x"]',
    ]);
    expect(run({ n: [1, 2, 3, 4] }, { n: [1, 4] }).map(shape)).toEqual(['remove /n/* /n[=2]']);
  });

  it('a value changed in place stays a replace (so volatile detectors still apply)', () => {
    expect(run({ n: [1, 2, 3] }, { n: [1, 5, 3] }).map(shape)).toEqual(['replace /n/* /n[1]']);
  });

  it('bounds what a reorder carries', () => {
    const a = Array.from({ length: 100 }, (_, i) => i);
    const diffs = run({ a }, { a: a.slice().reverse() });
    expect(diffs.map(shape)).toEqual(['reorder /a']);
    expect(diffs[0]?.primary).toHaveLength(REORDER_SHOWN + 1);
    expect((diffs[0]?.primary as unknown[])[REORDER_SHOWN]).toBe('…(+80)');
  });
});

describe('array alignment (properties)', () => {
  const scalars = fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom('a', 'b')), {
    maxLength: 12,
  });

  it('an array against a permutation of itself is one reorder or nothing', () => {
    fc.assert(
      fc.property(scalars, fc.array(fc.nat()), (xs, swaps) => {
        const ys: unknown[] = xs.slice();
        for (let i = 0; i < swaps.length && ys.length > 1; i++) {
          const j = (swaps[i] as number) % ys.length;
          const first = ys[0];
          ys[0] = ys[j];
          ys[j] = first;
        }
        const diffs = run({ xs }, { xs: ys });
        const same = xs.every((x, i) => x === ys[i]);
        expect(diffs.map((d) => d.op)).toEqual(same ? [] : ['reorder']);
      }),
      { numRuns: 300 },
    );
  });

  it('objects keyed by id: removed keys, added keys and a reorder are exactly what changed', () => {
    const ids = fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 12 });
    fc.assert(
      fc.property(ids, ids, (xs, ys) => {
        const shared = xs.filter((x) => ys.includes(x));
        if (2 * shared.length < Math.min(xs.length, ys.length) || shared.length === 0) return;
        const diffs = run({ l: xs.map((id) => ({ id })) }, { l: ys.map((id) => ({ id })) });
        const removed = xs.filter((x) => !ys.includes(x));
        const added = ys.filter((y) => !xs.includes(y));
        const reordered = ys.filter((y) => xs.includes(y)).some((y, i) => y !== shared[i]);
        const ops = diffs.map((d) => d.op).sort();
        const want = [
          ...(removed.length > 0 ? ['remove'] : []),
          ...(added.length > 0 ? ['add'] : []),
          ...(reordered ? ['reorder'] : []),
        ].sort();
        expect(ops).toEqual(want);
        const rm = diffs.find((d) => d.op === 'remove');
        if (rm !== undefined) expect(rm.at).toBe(`/l[id=${removed[0] as number}]`);
      }),
      { numRuns: 300 },
    );
  });
});
