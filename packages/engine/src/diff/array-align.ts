/**
 * Fields tried first, in this order, as the identity key of an array of objects; after them any
 * other field of the first element (in its key order, at most {@link MAX_OTHER_CANDIDATES}).
 */
export const KEY_CANDIDATES: readonly string[] = [
  'id',
  'sku',
  'uuid',
  'key',
  'code',
  'name',
  'slug',
  'ref',
];

/** Fields beyond {@link KEY_CANDIDATES} tried as an identity key: bounds the search per array. */
export const MAX_OTHER_CANDIDATES = 8;

/** Most keys (or values) a `reorder` finding carries per side; the rest are counted in one `…`. */
export const REORDER_SHOWN = 20;

/** An element's identity: a string or finite number, so it reads back in `[sku=…]`. */
export type KeyValue = string | number;

export interface KeyedAlignment {
  field: string;
  keysA: KeyValue[];
  keysB: KeyValue[];
  /** Shadow index of each shadow key. */
  indexB: Map<KeyValue, number>;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isScalar(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'undefined');
}

/** A usable key value: a non-empty string or a finite number. */
function keyValue(raw: unknown): KeyValue | undefined {
  if (typeof raw === 'string') return raw === '' ? undefined : raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  return undefined;
}

/** The field's value on every element, or undefined when one lacks it or holds a duplicate. */
function keysOf(array: readonly unknown[], field: string, seen: Map<KeyValue, number>) {
  const keys = new Array<KeyValue>(array.length);
  for (let i = 0; i < array.length; i++) {
    const el = array[i];
    if (!isRecord(el)) return undefined;
    const v = keyValue(el[field]);
    if (v === undefined || seen.has(v)) return undefined;
    seen.set(v, i);
    keys[i] = v;
  }
  return keys;
}

function tryField(a: readonly unknown[], b: readonly unknown[], field: string) {
  const keysA = keysOf(a, field, new Map());
  if (keysA === undefined) return undefined;
  const indexB = new Map<KeyValue, number>();
  const keysB = keysOf(b, field, indexB);
  if (keysB === undefined) return undefined;
  // A field both sides fill with unrelated values (a per-call token) identifies nothing: at
  // least half the shorter array must find its partner.
  let matched = 0;
  for (const k of keysA) if (indexB.has(k)) matched++;
  if (matched === 0 || matched * 2 < Math.min(a.length, b.length)) return undefined;
  return { field, keysA, keysB, indexB };
}

/**
 * The identity key of two non-empty arrays of objects: a field present on every element of both,
 * a non-empty string or finite number, unique within each array, and shared by at least half of
 * the shorter one's elements. Undefined when none qualifies (the caller pairs by position). A
 * configured key (`arrays: { /items: { key: sku } }`) never gets here: normalization keys the
 * array by it first.
 */
export function identityKey(
  a: readonly unknown[],
  b: readonly unknown[],
): KeyedAlignment | undefined {
  const first = a[0];
  if (!isRecord(first) || !isRecord(b[0])) return undefined;
  for (const f of KEY_CANDIDATES) {
    if (Object.prototype.hasOwnProperty.call(first, f)) {
      const k = tryField(a, b, f);
      if (k !== undefined) return k;
    }
  }
  let others = 0;
  for (const f of Object.keys(first)) {
    if (KEY_CANDIDATES.includes(f)) continue;
    const v = first[f];
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    if (++others > MAX_OTHER_CANDIDATES) break;
    const k = tryField(a, b, f);
    if (k !== undefined) return k;
  }
  return undefined;
}

/**
 * The fast path of {@link identityKey} for the common case: arrays of one length whose elements
 * carry a candidate key ({@link KEY_CANDIDATES}) equal at every position and unique. Then pairing
 * by key is pairing by position, and no index map is needed. Undefined otherwise.
 */
export function positionalKey(a: readonly unknown[], b: readonly unknown[]): string | undefined {
  if (a.length !== b.length) return undefined;
  const first = a[0];
  if (!isRecord(first)) return undefined;
  for (const f of KEY_CANDIDATES) {
    if (!Object.prototype.hasOwnProperty.call(first, f)) continue;
    if (linesUp(a, b, f)) return f;
  }
  return undefined;
}

function linesUp(a: readonly unknown[], b: readonly unknown[], field: string): boolean {
  const seen = a.length > 1 ? new Set<KeyValue>() : undefined;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!isRecord(x) || !isRecord(y)) return false;
    const v = keyValue(x[field]);
    if (v === undefined || v !== y[field]) return false;
    if (seen !== undefined) {
      if (seen.has(v)) return false;
      seen.add(v);
    }
  }
  return true;
}

/** Whether the matched keys appear in another relative order on the shadow side. */
export function keyedReordered(k: KeyedAlignment): boolean {
  let last = -1;
  for (const key of k.keysA) {
    const j = k.indexB.get(key);
    if (j === undefined) continue;
    if (j < last) return true;
    last = j;
  }
  return false;
}

/** The matched keys in primary order and in shadow order. */
export function commonKeys(k: KeyedAlignment): { a: KeyValue[]; b: KeyValue[] } {
  const inA = new Set<KeyValue>();
  const a: KeyValue[] = [];
  for (const key of k.keysA) {
    if (k.indexB.has(key)) {
      a.push(key);
      inA.add(key);
    }
  }
  return { a, b: k.keysB.filter((key) => inA.has(key)) };
}

export interface ScalarAlignment {
  /** Primary indexes whose value the shadow lacks (multiset difference). */
  onlyA: number[];
  onlyB: number[];
  /** Values both sides hold, in each side's order. */
  commonA: unknown[];
  commonB: unknown[];
  reordered: boolean;
}

/**
 * Aligns two arrays of scalars as multisets in O(n): values only one side holds, and whether the
 * shared values come in another order. A move is a reorder, not a removal plus an addition (which
 * a longest common subsequence would call it). Undefined when an element is not a scalar.
 */
export function alignScalars(a: readonly unknown[], b: readonly unknown[]) {
  if (a.length === b.length) {
    const permutation = permuted(a, b);
    if (permutation !== undefined) return permutation;
  }
  const counts = new Map<unknown, number>();
  for (const v of b) {
    if (!isScalar(v)) return undefined;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const onlyA: number[] = [];
  const commonA: unknown[] = [];
  const shared = new Map<unknown, number>();
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!isScalar(v)) return undefined;
    const c = counts.get(v) ?? 0;
    if (c > 0) {
      counts.set(v, c - 1);
      shared.set(v, (shared.get(v) ?? 0) + 1);
      commonA.push(v);
    } else {
      onlyA.push(i);
    }
  }
  const onlyB: number[] = [];
  const commonB: unknown[] = [];
  for (let j = 0; j < b.length; j++) {
    const v = b[j];
    const c = shared.get(v) ?? 0;
    if (c > 0) {
      shared.set(v, c - 1);
      commonB.push(v);
    } else {
      onlyB.push(j);
    }
  }
  let reordered = false;
  for (let i = 0; i < commonA.length; i++) {
    if (commonA[i] !== commonB[i]) {
      reordered = true;
      break;
    }
  }
  const result: ScalarAlignment = { onlyA, onlyB, commonA, commonB, reordered };
  return result;
}

/**
 * The common case of a shuffled set: `b` holds exactly `a`'s distinct values in another order.
 * One Set and no per-element bookkeeping; undefined otherwise (duplicates, a value only one side
 * has, objects), for the general multiset alignment to decide.
 */
function permuted(a: readonly unknown[], b: readonly unknown[]): ScalarAlignment | undefined {
  const values = new Set<unknown>(a);
  if (values.size !== a.length) return undefined;
  for (let j = 0; j < b.length; j++) if (!values.delete(b[j])) return undefined;
  let reordered = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      reordered = true;
      break;
    }
  }
  return { onlyA: [], onlyB: [], commonA: a as unknown[], commonB: b as unknown[], reordered };
}

/** At most {@link REORDER_SHOWN} items, then `…(+N)`: a verdict stays small. */
export function shown(values: readonly unknown[]): unknown[] {
  if (values.length <= REORDER_SHOWN) return values.slice();
  const out = values.slice(0, REORDER_SHOWN);
  out.push(`…(+${values.length - REORDER_SHOWN})`);
  return out;
}

const PLAIN = /^[^[\]/~="]+$/;

/** `[sku=SKU-66-1]`; a string key with `[`, `]`, `/`, `~`, `=` or `"` is JSON-quoted. */
export function keyLabel(field: string, key: KeyValue | string): string {
  const v = typeof key === 'number' || PLAIN.test(key) ? String(key) : JSON.stringify(key);
  return `[${field}=${v}]`;
}

/** `[="red"]`, `[=3]`: a scalar element named by its JSON value. */
export function valueLabel(value: unknown): string {
  return `[=${JSON.stringify(value) ?? 'null'}]`;
}
