import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePointer } from './json-pointer.js';
import { isKeyedContainer, normalizeJson } from './normalize-json.js';
import type { ArrayRule } from './normalize-json.js';

const set = (pointer: string, skip: string[] = []): ArrayRule => ({
  pointer: compilePointer(pointer, 'test'),
  mode: { kind: 'set' },
  skip: skip.map((s) => compilePointer(s, 'test')),
});
const keyed = (pointer: string, key: string): ArrayRule => ({
  pointer: compilePointer(pointer, 'test'),
  mode: { kind: 'key', key },
  skip: [],
});

describe('normalizeJson', () => {
  it('is the identity without rules', () => {
    const doc = { a: [3, 1, 2] };
    expect(normalizeJson(doc, [])).toBe(doc);
  });

  it('sorts set arrays so order does not matter', () => {
    const a = normalizeJson({ tags: ['b', 'a', 'c'] }, [set('/tags')]);
    const b = normalizeJson({ tags: ['c', 'b', 'a'] }, [set('/tags')]);
    expect(a).toEqual(b);
    const objs = (xs: unknown[]) => normalizeJson({ xs }, [set('/xs')]);
    expect(
      objs([
        { id: 2, n: 'x' },
        { n: 'y', id: 1 },
      ]),
    ).toEqual(
      objs([
        { id: 1, n: 'y' },
        { n: 'x', id: 2 },
      ]),
    );
  });

  it('leaves ignored fields out of the set sort key', () => {
    const rule = set(
      '/events',
      [['ts'].join('')].map((k) => `/${k}`),
    );
    const a = normalizeJson(
      {
        events: [
          { n: 2, ts: 'a' },
          { n: 1, ts: 'z' },
        ],
      },
      [rule],
    ) as {
      events: { n: number }[];
    };
    const b = normalizeJson(
      {
        events: [
          { n: 1, ts: 'b' },
          { n: 2, ts: 'y' },
        ],
      },
      [rule],
    ) as {
      events: { n: number }[];
    };
    expect(a.events.map((e) => e.n)).toEqual([1, 2]);
    expect(b.events.map((e) => e.n)).toEqual([1, 2]);
  });

  it('applies rules under wildcards and at the root', () => {
    const doc = normalizeJson([{ t: [2, 1] }, { t: [4, 3] }], [set('/*/t'), set('')]);
    expect(doc).toEqual([{ t: [1, 2] }, { t: [3, 4] }]);
  });

  it('turns key-matched arrays into keyed containers', () => {
    const doc = normalizeJson(
      { items: [{ id: 'b', q: 1 }, { id: 'a', q: 2 }, { q: 3 }, { id: 'a', q: 4 }] },
      [keyed('/items', 'id')],
    ) as { items: Record<string, unknown> };
    expect(isKeyedContainer(doc.items)).toBe(true);
    expect(Object.keys(doc.items).sort()).toEqual(['#2', 'a', 'a#2', 'b']);
    expect(doc.items.a).toEqual({ id: 'a', q: 2 });
    expect(JSON.parse(JSON.stringify(doc.items))).toEqual({
      b: { id: 'b', q: 1 },
      a: { id: 'a', q: 2 },
      '#2': { q: 3 },
      'a#2': { id: 'a', q: 4 },
    });
  });

  it('keeps a "__proto__" key value as data', () => {
    const doc = normalizeJson(JSON.parse('{"xs":[{"id":"__proto__"}]}'), [keyed('/xs', 'id')]) as {
      xs: Record<string, unknown>;
    };
    expect(Object.prototype.hasOwnProperty.call(doc.xs, '__proto__')).toBe(true);
  });

  it('is idempotent for any document and rules (property)', () => {
    const pointer = fc.constantFrom('', '/a', '/a/*', '/*', '/*/b', '/a/*/b', '/b');
    const rule = fc.oneof(
      pointer.map((p) => set(p)),
      fc.tuple(pointer, fc.constantFrom('id', 'b')).map(([p, k]) => keyed(p, k)),
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.array(rule, { maxLength: 3 }), (doc, rules) => {
        const sorted = [...rules].sort((x, y) => y.pointer.length - x.pointer.length);
        const once = normalizeJson(structuredClone(doc), sorted);
        // Round-trip through JSON like a second capture would: the keyed marker is not data.
        const twice = normalizeJson(JSON.parse(JSON.stringify(once)), sorted);
        expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
      }),
    );
  });
});
