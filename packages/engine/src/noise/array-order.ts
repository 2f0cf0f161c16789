import { matchesExactly, splitPointer } from '../normalize/json-pointer.js';
import type { PointerPattern } from '../normalize/json-pointer.js';

/** Arrays longer than this are not inspected: sorting their canonical forms costs too much. */
export const MAX_INSPECTED_ELEMENTS = 1_000;

/** How the arrays at one pointer of two documents relate. */
export type ArrayRelation = 'same' | 'permutation' | 'content';

export interface ArrayComparison {
  relation: ArrayRelation;
  /** The primary / shadow array is in ascending order (lexicographic, numeric for numbers). */
  sortedPrimary: boolean;
  sortedShadow: boolean;
}

/** Stable JSON with sorted keys, leaving out `skip` paths relative to the element. */
function canonical(value: unknown, skip: readonly PointerPattern[], path: string[]): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const isArray = Array.isArray(value);
  const keys = isArray ? value.map((_, i) => String(i)) : Object.keys(value).sort();
  let out = isArray ? '[' : '{';
  let first = true;
  for (const k of keys) {
    path.push(k);
    if (skip.length === 0 || !skip.some((p) => matchesExactly(p, path))) {
      if (!first) out += ',';
      first = false;
      const v = (value as Record<string, unknown>)[k];
      out += (isArray ? '' : JSON.stringify(k) + ':') + canonical(v, skip, path);
    }
    path.pop();
  }
  return out + (isArray ? ']' : '}');
}

function ascending(values: readonly unknown[], forms: readonly string[]): boolean {
  const numeric = values.every((v) => typeof v === 'number');
  for (let i = 1; i < values.length; i++) {
    const sorted = numeric
      ? (values[i - 1] as number) <= (values[i] as number)
      : (forms[i - 1] as string) <= (forms[i] as string);
    if (!sorted) return false;
  }
  return true;
}

function relate(
  a: unknown[],
  b: unknown[],
  skip: readonly PointerPattern[],
): ArrayComparison | undefined {
  if (a.length > MAX_INSPECTED_ELEMENTS || b.length > MAX_INSPECTED_ELEMENTS) return undefined;
  const fa = a.map((v) => canonical(v, skip, []));
  const fb = b.map((v) => canonical(v, skip, []));
  let same = a.length === b.length;
  for (let i = 0; same && i < fa.length; i++) same = fa[i] === fb[i];
  const sortedPrimary = ascending(a, fa);
  const sortedShadow = ascending(b, fb);
  if (same) return { relation: 'same', sortedPrimary, sortedShadow };
  if (a.length !== b.length) return { relation: 'content', sortedPrimary, sortedShadow };
  const sa = fa.slice().sort();
  const sb = fb.slice().sort();
  for (let i = 0; i < sa.length; i++) {
    if (sa[i] !== sb[i]) return { relation: 'content', sortedPrimary, sortedShadow };
  }
  return { relation: 'permutation', sortedPrimary, sortedShadow };
}

/** Visits the (primary, shadow) node pairs at `segments`, pairing `*` by index or shared key. */
function visit(
  a: unknown,
  b: unknown,
  segments: readonly string[],
  depth: number,
  fn: (a: unknown, b: unknown) => void,
): void {
  if (depth === segments.length) {
    fn(a, b);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return;
  const seg = segments[depth] as string;
  if (Array.isArray(a) !== Array.isArray(b)) return;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  if (seg === '*') {
    const keys = Array.isArray(a)
      ? Array.from({ length: Math.min(a.length, (b as unknown[]).length) }, (_, i) => String(i))
      : Object.keys(ra).filter((k) => Object.prototype.hasOwnProperty.call(rb, k));
    for (const k of keys) visit(ra[k], rb[k], segments, depth + 1, fn);
    return;
  }
  if (
    Object.prototype.hasOwnProperty.call(ra, seg) &&
    Object.prototype.hasOwnProperty.call(rb, seg)
  ) {
    visit(ra[seg], rb[seg], segments, depth + 1, fn);
  }
}

/**
 * Relates the arrays at a statistics pointer (`/orders/*\/tags`: `*` pairs array elements by
 * index and object members by key, as the diff did) of two parsed documents. Over every array
 * pair found: `content` if any differs in its elements, else `permutation` if any is reordered,
 * else `same`; undefined when the pointer holds no arrays on both sides. `skip` (pointers
 * relative to one element) leaves volatile fields out of element identity.
 */
export function compareArrays(
  primary: unknown,
  shadow: unknown,
  pointer: string,
  skip: readonly PointerPattern[] = [],
): ArrayComparison | undefined {
  const segments = splitPointer(pointer);
  let result: ArrayComparison | undefined;
  visit(primary, shadow, segments, 0, (a, b) => {
    if (!Array.isArray(a) || !Array.isArray(b)) return;
    const r = relate(a, b, skip);
    if (r === undefined) return;
    if (result === undefined || rank(r.relation) > rank(result.relation)) result = r;
  });
  return result;
}

function rank(r: ArrayRelation): number {
  return r === 'content' ? 2 : r === 'permutation' ? 1 : 0;
}

/**
 * Pointers of the arrays a finding may sit in, outermost first: `/items/*\/tags/*\/name` gives
 * `/items` and `/items/*\/tags`. (A `*` may also stand for an id-like object key; comparing
 * such a pointer finds no arrays and is skipped.)
 */
export function arrayPointers(path: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const i = path.indexOf('/*', from);
    if (i < 0) break;
    const end = i + 2;
    if (end === path.length || path.charCodeAt(end) === 47) out.push(path.slice(0, i));
    from = end;
  }
  return out;
}
