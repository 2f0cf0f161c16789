import { escapeSegment } from '../normalize/json-pointer.js';
import { isKeyedContainer, keyedField } from '../normalize/normalize-json.js';
import {
  alignScalars,
  commonKeys,
  identityKey,
  isRecord,
  isScalar,
  keyLabel,
  keyedReordered,
  positionalKey,
  shown,
  valueLabel,
} from './array-align.js';
import { childPath } from './path-intern.js';

const OBJECT = 0;
const ARRAY = 1;
const KEYED = 2;

/** How an array element is named in `at()`: by index, by identity key, by value. */
const BY_INDEX = 0;
const BY_KEY = 1;
const BY_VALUE = 2;

const hasOwn = Object.prototype.hasOwnProperty;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Lengths of the run of equal scalars two arrays start with and of the run they end with (the
 * two never overlap): equal arrays have a prefix as long as both, and arrays equal but for one
 * appended, inserted or cut run have prefix + suffix as long as the shorter one.
 */
function commonEnds(a: readonly unknown[], b: readonly unknown[]): [number, number] {
  const na = a.length;
  const nb = b.length;
  const short = na < nb ? na : nb;
  let p = 0;
  while (p < short && a[p] === b[p] && isScalar(a[p])) p++;
  let q = 0;
  while (q < short - p && a[na - 1 - q] === b[nb - 1 - q] && isScalar(b[nb - 1 - q])) q++;
  return [p, q];
}

function samePositions(x: readonly number[], y: readonly number[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * A parallel walk over two JSON documents. Arrays are aligned first (see `#aligned`): objects by
 * an identity key, scalars by value, reporting removed / added elements and one reorder; where
 * neither applies, or with `align` off, it reports the RFC 6902 operations fast-json-patch
 * `compare(a, b)` produces (the same operations at the same pointers, in document order rather
 * than compare()'s reversed order; a property test holds it to fast-json-patch), without building
 * them: no pointer string for unchanged nodes, no cloned values, no operation objects.
 * Subclasses receive each operation with its location on a stack and build a path only for the
 * findings they keep. The JSON diff runs for every changed field of every pair, and compare()
 * plus re-parsing its pointers cost more than parsing the bodies (see bench/engine).
 *
 * Like compare(), it descends only into containers of the same kind on both sides; a container
 * replaced by a scalar, or an array by an object, is one `replace`.
 */
export abstract class JsonWalk {
  /** Current depth: the location of a reported operation is `keys[1..depth]`. */
  protected depth = 0;
  /** Key (object member) or index (array element) at each depth; [0] is the root. */
  protected readonly keys: (string | number)[] = [''];
  /** Kind of the container holding `keys[d]`. */
  readonly #kinds: number[] = [OBJECT];
  /** Statistics path per depth, valid up to `valid`. */
  readonly #paths: string[] = [''];
  #valid = 0;
  /** Per depth, for array elements: how `at()` names it, and the key field / value it uses. */
  readonly #labelKinds: number[] = [BY_INDEX];
  readonly #labelFields: (string | undefined)[] = [undefined];
  readonly #labelValues: unknown[] = [undefined];

  readonly #keyed: boolean;
  readonly #align: boolean;

  /**
   * @param keyed whether normalization built key-matched containers (checking costs a lookup).
   * @param align whether arrays are aligned by identity key / value (default); false pairs them by
   *   position only, exactly as fast-json-patch `compare` does.
   */
  constructor(keyed: boolean, align = true) {
    this.#keyed = keyed;
    this.#align = align;
  }

  protected abstract removed(oldValue: unknown): void;
  protected abstract added(newValue: unknown): void;
  protected abstract replaced(oldValue: unknown, newValue: unknown): void;
  /**
   * The array at the current location holds the same elements (by identity key, or by value for
   * scalars) in another order: `primary` / `shadow` are the shared keys or values in each order.
   */
  protected abstract reordered(primary: unknown[], shadow: unknown[]): void;

  /** Walks two containers of the same kind (both arrays or both non-array objects). */
  protected walk(a: object, b: object): void {
    const d = ++this.depth;
    if (Array.isArray(a)) {
      const bb = b as unknown[];
      const na = a.length;
      const nb = bb.length;
      this.#kinds[d] = ARRAY;
      if (this.#align && na > 0 && nb > 0 && this.#aligned(a, bb, d)) {
        this.depth = d - 1;
        return;
      }
      const common = na < nb ? na : nb;
      for (let i = 0; i < common; i++) {
        const ov: unknown = a[i];
        const nv: unknown = bb[i];
        if (ov !== nv) {
          this.#at(d, i);
          this.#child(ov, nv);
        }
      }
      for (let i = common; i < na; i++) {
        this.#at(d, i);
        this.removed(a[i]);
      }
      for (let i = common; i < nb; i++) {
        this.#at(d, i);
        this.added(bb[i]);
      }
    } else {
      const ra = a as Record<string, unknown>;
      const rb = b as Record<string, unknown>;
      const keyed = this.#keyed && isKeyedContainer(a);
      this.#kinds[d] = keyed ? KEYED : OBJECT;
      if (keyed) this.#labelFields[d] = keyedField(a);
      const ka = Object.keys(ra);
      const kb = Object.keys(rb);
      const n = ka.length;
      if (n === kb.length && sameKeys(ka, kb)) {
        // Same members in the same order (two responses of one serializer): pair the values by
        // position, no keyed lookups.
        const va = Object.values(ra);
        const vb = Object.values(rb);
        for (let t = 0; t < n; t++) {
          const ov = va[t];
          const nv = vb[t];
          if (ov !== nv) {
            this.#at(d, ka[t] as string);
            this.#child(ov, nv);
          }
        }
      } else {
        let deleted = false;
        for (let t = 0; t < n; t++) {
          const key = ka[t] as string;
          const ov = ra[key];
          if (hasOwn.call(rb, key)) {
            const nv = rb[key];
            if (ov !== nv) {
              this.#at(d, key);
              this.#child(ov, nv);
            }
          } else {
            this.#at(d, key);
            this.removed(ov);
            deleted = true;
          }
        }
        if (deleted || kb.length !== n) {
          for (const key of kb) {
            if (!hasOwn.call(ra, key)) {
              this.#at(d, key);
              this.added(rb[key]);
            }
          }
        }
      }
    }
    this.depth = d - 1;
  }

  /**
   * Aligns two non-empty arrays by identity key (objects) or by value (scalars) and reports
   * removed / added elements, a reorder, and the changes inside matched elements; false when
   * neither applies (no key, duplicate keys, mixed elements, or scalars that differ only in
   * place), so the caller pairs by position.
   */
  #aligned(a: unknown[], b: unknown[], d: number): boolean {
    if (isRecord(a[0])) {
      const f = positionalKey(a, b);
      if (f !== undefined) {
        for (let i = 0; i < a.length; i++) {
          const el = a[i] as Record<string, unknown>;
          this.#atLabel(d, i, BY_KEY, f, el[f]);
          if (el !== b[i]) this.#child(el, b[i]);
        }
        return true;
      }
      const k = identityKey(a, b);
      if (k === undefined) return false;
      const { keysA, keysB, indexB } = k;
      let sameOrder = a.length === b.length;
      for (let i = 0; sameOrder && i < keysA.length; i++) sameOrder = keysA[i] === keysB[i];
      if (!sameOrder && keyedReordered(k)) {
        const c = commonKeys(k);
        this.#reorder(d, c.a, c.b);
      }
      const matched = new Uint8Array(b.length);
      for (let i = 0; i < a.length; i++) {
        const key = keysA[i] as string | number;
        const j = indexB.get(key);
        this.#atLabel(d, i, BY_KEY, k.field, key);
        if (j === undefined) {
          this.removed(a[i]);
        } else {
          matched[j] = 1;
          if (a[i] !== b[j]) this.#child(a[i], b[j]);
        }
      }
      for (let j = 0; j < b.length; j++) {
        if (matched[j] === 1) continue;
        this.#atLabel(d, j, BY_KEY, k.field, keysB[j]);
        this.added(b[j]);
      }
      return true;
    }
    if (!isScalar(a[0])) return false;
    const [p, q] = commonEnds(a, b);
    if (p === a.length && p === b.length) return true;
    if (p + q === Math.min(a.length, b.length) && this.#oneRun(a, b, p, q, d)) return true;
    const s = alignScalars(a, b);
    if (s === undefined || (!s.reordered && samePositions(s.onlyA, s.onlyB))) return false;
    if (s.reordered) this.#reorder(d, s.commonA, s.commonB);
    for (const i of s.onlyA) {
      this.#atLabel(d, i, BY_VALUE, undefined, a[i]);
      this.removed(a[i]);
    }
    for (const j of s.onlyB) {
      this.#atLabel(d, j, BY_VALUE, undefined, b[j]);
      this.added(b[j]);
    }
    return true;
  }

  /**
   * Scalar arrays equal but for a run only one side holds (values appended, inserted or cut in
   * one place): those values are the whole finding, found without building the multiset maps.
   */
  #oneRun(a: unknown[], b: unknown[], p: number, q: number, d: number): boolean {
    const na = a.length;
    const nb = b.length;
    const extra = na < nb ? b : a;
    for (let i = p; i < extra.length - q; i++) if (!isScalar(extra[i])) return false;
    for (let i = p; i < extra.length - q; i++) {
      this.#atLabel(d, i, BY_VALUE, undefined, extra[i]);
      if (na < nb) this.added(extra[i]);
      else this.removed(extra[i]);
    }
    return true;
  }

  /** Reports a reorder at the array itself (one level up from its elements at depth `d`). */
  #reorder(d: number, primary: unknown[], shadow: unknown[]): void {
    this.depth = d - 1;
    this.reordered(shown(primary), shown(shadow));
    this.depth = d;
  }

  #atLabel(d: number, index: number, kind: number, field: string | undefined, value: unknown) {
    this.#at(d, index);
    this.#labelKinds[d] = kind;
    this.#labelFields[d] = field;
    this.#labelValues[d] = value;
  }

  #child(ov: unknown, nv: unknown): void {
    if (
      typeof ov === 'object' &&
      ov !== null &&
      typeof nv === 'object' &&
      nv !== null &&
      Array.isArray(ov) === Array.isArray(nv)
    ) {
      this.walk(ov, nv);
    } else {
      this.replaced(ov, nv);
    }
  }

  #at(d: number, key: string | number): void {
    this.keys[d] = key;
    this.#labelKinds[d] = BY_INDEX;
    if (this.#valid >= d) this.#valid = d - 1;
  }

  /**
   * The concrete location, elements named as a reader would: `/items[sku=A]/price` (identity
   * key, found or configured), `/tags[="red"]` (scalar by value), `/items[3]` (by position, the
   * fallback). Undefined when the location crosses no array (then it equals the path).
   */
  protected at(): string | undefined {
    const d = this.depth;
    let out = '';
    let crossed = false;
    for (let i = 1; i <= d; i++) {
      const key = this.keys[i] as string | number;
      const kind = this.#kinds[i];
      if (kind === OBJECT) {
        out += '/' + escapeSegment(key as string);
      } else if (kind === KEYED) {
        crossed = true;
        const field = this.#labelFields[i];
        out +=
          field === undefined ? '/' + escapeSegment(String(key)) : keyLabel(field, String(key));
      } else {
        crossed = true;
        const label = this.#labelKinds[i];
        if (label === BY_KEY) {
          out += keyLabel(this.#labelFields[i] as string, this.#labelValues[i] as string | number);
        } else if (label === BY_VALUE) {
          out += valueLabel(this.#labelValues[i]);
        } else {
          out += `[${key}]`;
        }
      }
    }
    return crossed ? out : undefined;
  }

  /** The current location as a string segment. */
  protected segment(d: number): string {
    const k = this.keys[d] as string | number;
    return typeof k === 'number' ? String(k) : k;
  }

  /**
   * Statistics path of the current location: array indexes, keys of key-matched containers and
   * id-like object keys (see `isIdLike`) become `*`, so `/items/3/price` and `/users/8812/name`
   * stay bounded in cardinality (see `childPath`).
   */
  protected path(): string {
    const d = this.depth;
    for (let i = this.#valid + 1; i <= d; i++) {
      const key = this.keys[i] as string | number;
      const segment = this.#kinds[i] === OBJECT && typeof key === 'string' ? key : '*';
      this.#paths[i] = childPath(this.#paths[i - 1] as string, segment);
    }
    this.#valid = d;
    return this.#paths[d] as string;
  }
}
