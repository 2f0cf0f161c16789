import { ANY, matchesExactly } from './json-pointer.js';
import type { PointerPattern } from './json-pointer.js';

/** How an array at a configured pointer is compared. */
export type ArrayMode = { kind: 'set' } | { kind: 'key'; key: string };

export interface ArrayRule {
  pointer: PointerPattern;
  mode: ArrayMode;
  /**
   * Ignored pointers relative to one element (`/items/*\/ts` under a `/items` set is `['ts']`):
   * left out of the sort key, so a volatile field cannot reorder a set and fake drift.
   */
  skip: readonly PointerPattern[];
}

/**
 * Marks an object built from a key-matched array. Non-enumerable, so it is invisible to
 * `Object.keys`, JSON and fast-json-patch, yet it travels with the value: the differ collapses
 * its keys to `*` the way it collapses array indexes.
 */
const KEYED = Symbol('shadowdiff.keyed');

/** True for an object that normalization built from a key-matched array. */
export function isKeyedContainer(value: object): boolean {
  return typeof (value as { [KEYED]?: string })[KEYED] === 'string';
}

/** The key field a key-matched container was built by (`sku` for `{ key: sku }`), else undefined. */
export function keyedField(value: object): string | undefined {
  return (value as { [KEYED]?: string })[KEYED];
}

type Container = Record<string, unknown> | unknown[];

/**
 * Applies the per-route array rules. Set arrays are sorted by a canonical form of their elements;
 * key-matched arrays become objects keyed by the element's key field (`#<index>` when it has
 * none, `<key>#2` for duplicates), so fast-json-patch pairs elements by key, not position.
 * Rules run deepest pointer first, so the sort key of an outer set sees normalized inner arrays.
 *
 * The value is normalized in place (the engine owns the freshly parsed documents; copying them
 * would cost as much as parsing); the result is returned because a rule at the root replaces it.
 * Idempotent: a sorted set stays sorted and a keyed object is no longer an array.
 */
export function normalizeJson(value: unknown, arrays: readonly ArrayRule[]): unknown {
  if (arrays.length === 0 || value === null || typeof value !== 'object') return value;
  const holder: Record<string, unknown> = { root: value };
  for (const rule of arrays) visit(holder, 'root', 0, rule);
  return holder.root;
}

function visit(parent: Container, key: string | number, depth: number, rule: ArrayRule): void {
  const node = (parent as Record<string | number, unknown>)[key];
  if (node === null || typeof node !== 'object') return;
  if (depth === rule.pointer.length) {
    if (Array.isArray(node)) {
      (parent as Record<string | number, unknown>)[key] = applyRule(node, rule);
    }
    return;
  }
  const segment = rule.pointer[depth];
  if (Array.isArray(node)) {
    if (segment === ANY) {
      for (let i = 0; i < node.length; i++) visit(node, i, depth + 1, rule);
      return;
    }
    const index = Number(segment);
    if (Number.isInteger(index) && index >= 0 && index < node.length) {
      visit(node, index, depth + 1, rule);
    }
    return;
  }
  const record = node as Record<string, unknown>;
  if (segment === ANY) {
    for (const k of Object.keys(record)) visit(record, k, depth + 1, rule);
  } else if (Object.prototype.hasOwnProperty.call(record, segment as string)) {
    visit(record, segment as string, depth + 1, rule);
  }
}

function applyRule(array: unknown[], rule: ArrayRule): unknown {
  if (rule.mode.kind === 'set') return sortSet(array, rule.skip);
  return keyBy(array, rule.mode.key);
}

function sortSet(array: unknown[], skip: readonly PointerPattern[]): unknown[] {
  if (array.length < 2) return array;
  const keyed = array.map((v) => ({ k: canonical(v, skip, skip.length > 0 ? [] : undefined), v }));
  keyed.sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) array[i] = (keyed[i] as { v: unknown }).v;
  return array;
}

/** Stable JSON with sorted keys, leaving out `skip` paths (tracked only when there are any). */
function canonical(
  value: unknown,
  skip: readonly PointerPattern[],
  path: string[] | undefined,
): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (path !== undefined) {
        path.push(String(i));
        if (skip.some((p) => matchesExactly(p, path))) {
          path.pop();
          continue;
        }
      }
      if (out.length > 1) out += ',';
      out += canonical(value[i], skip, path);
      path?.pop();
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const k of keys) {
    if (path !== undefined) {
      path.push(k);
      if (skip.some((p) => matchesExactly(p, path))) {
        path.pop();
        continue;
      }
    }
    if (out.length > 1) out += ',';
    out += JSON.stringify(k) + ':' + canonical(record[k], skip, path);
    path?.pop();
  }
  return out + '}';
}

function keyBy(array: unknown[], field: string): Record<string, unknown> {
  // A null prototype: a key value such as "__proto__" must become data, not a prototype.
  const out = Object.create(null) as Record<string, unknown>;
  Object.defineProperty(out, KEYED, { value: field, enumerable: false });
  for (let i = 0; i < array.length; i++) {
    const element = array[i];
    let k: string;
    const raw =
      element !== null && typeof element === 'object' && !Array.isArray(element)
        ? (element as Record<string, unknown>)[field]
        : undefined;
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
      k = String(raw);
    } else {
      k = `#${i}`;
    }
    if (Object.prototype.hasOwnProperty.call(out, k)) {
      let n = 2;
      while (Object.prototype.hasOwnProperty.call(out, `${k}#${n}`)) n++;
      k = `${k}#${n}`;
    }
    out[k] = element;
  }
  return out;
}
