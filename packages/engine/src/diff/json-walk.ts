import { isKeyedContainer } from '../normalize/normalize-json.js';
import { childPath } from './path-intern.js';

const OBJECT = 0;
const ARRAY = 1;
const KEYED = 2;

const hasOwn = Object.prototype.hasOwnProperty;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A parallel walk over two JSON documents that reports the RFC 6902 operations fast-json-patch
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

  readonly #keyed: boolean;

  /** @param keyed whether normalization built key-matched containers (checking costs a lookup). */
  constructor(keyed: boolean) {
    this.#keyed = keyed;
  }

  protected abstract removed(oldValue: unknown): void;
  protected abstract added(newValue: unknown): void;
  protected abstract replaced(oldValue: unknown, newValue: unknown): void;

  /** Walks two containers of the same kind (both arrays or both non-array objects). */
  protected walk(a: object, b: object): void {
    const d = ++this.depth;
    if (Array.isArray(a)) {
      const bb = b as unknown[];
      const na = a.length;
      const nb = bb.length;
      this.#kinds[d] = ARRAY;
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
      this.#kinds[d] = this.#keyed && isKeyedContainer(a) ? KEYED : OBJECT;
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
    if (this.#valid >= d) this.#valid = d - 1;
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
