import fc from 'fast-check';
import jsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { escapeSegment } from '../normalize/json-pointer.js';
import { JsonWalk } from './json-walk.js';

/** Rebuilds fast-json-patch operations from the walk, to hold it to compare()'s output. */
class Recorder extends JsonWalk {
  readonly ops: Operation[] = [];
  readonly stats: string[] = [];

  constructor() {
    super(false, false);
  }

  protected reordered(): void {
    throw new Error('position-only walk reported a reorder');
  }

  run(a: object, b: object): Operation[] {
    if (Array.isArray(a) !== Array.isArray(b)) throw new Error('roots of different kinds');
    this.walk(a, b);
    return this.ops;
  }

  private pointer(): string {
    let p = '';
    for (let d = 1; d <= this.depth; d++) p += '/' + escapeSegment(this.segment(d));
    return p;
  }

  protected removed(): void {
    this.ops.push({ op: 'remove', path: this.pointer() });
    this.stats.push(this.path());
  }

  protected added(value: unknown): void {
    this.ops.push({ op: 'add', path: this.pointer(), value });
    this.stats.push(this.path());
  }

  protected replaced(_old: unknown, value: unknown): void {
    this.ops.push({ op: 'replace', path: this.pointer(), value });
    this.stats.push(this.path());
  }
}

/** Documents as a body parser yields them (fast-json-patch clones through JSON: no -0). */
const container = fc
  .oneof(
    fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 3 })),
    fc.array(fc.jsonValue({ maxDepth: 3 })),
  )
  .map((v) => JSON.parse(JSON.stringify(v)) as object);

/** compare() lists a container's members in reverse; the walk in document order. */
function sorted(ops: Operation[]): string[] {
  return ops.map((o) => JSON.stringify(o)).sort();
}

describe('JsonWalk', () => {
  it('reports exactly the operations of fast-json-patch compare (property)', () => {
    fc.assert(
      fc.property(container, container, fc.nat(), (a, b, seed) => {
        // Related documents exercise the recursion; unrelated ones the adds and removes.
        const base = seed % 2 === 0 ? b : structuredClone(a);
        if (Array.isArray(a) !== Array.isArray(base)) return;
        expect(sorted(new Recorder().run(a, base))).toEqual(sorted(jsonPatch.compare(a, base)));
      }),
      { numRuns: 500 },
    );
  });

  it('matches compare() on mutated copies of one document (property)', () => {
    fc.assert(
      fc.property(
        fc
          .dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 4 }))
          .map((v) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown),
          ),
        ),
        (doc, edits) => {
          const copy = structuredClone(doc) as Record<string, unknown>;
          const keys = Object.keys(copy);
          for (const [i, value] of edits) {
            if (keys.length === 0) break;
            const key = keys[i % keys.length] as string;
            if (i % 3 === 0) delete copy[key];
            else copy[key] = value;
          }
          expect(sorted(new Recorder().run(doc, copy))).toEqual(
            sorted(jsonPatch.compare(doc, copy)),
          );
        },
      ),
    );
  });

  it('builds statistics paths with indexes and id-like keys as *', () => {
    const r = new Recorder();
    r.run(
      { items: [{ p: 1 }, { p: 2 }], users: { '8812': { n: 'a' } }, 'a/b': 1 },
      { items: [{ p: 3 }, { p: 4 }], users: { '8812': { n: 'b' } }, 'a/b': 2 },
    );
    expect(r.stats).toEqual(['/items/*/p', '/items/*/p', '/users/*/n', '/a~1b']);
    expect(r.stats[0]).toBe(r.stats[1]); // interned: one string per distinct path
  });
});
