import { ANY, unescapeSegment } from '../normalize/json-pointer.js';
import type { PointerPattern } from '../normalize/json-pointer.js';
import { isKeyedContainer } from '../normalize/normalize-json.js';
import { isIdLike } from '../normalize/value-kind.js';

/**
 * Resolves the pointers of fast-json-patch operations against the primary document.
 *
 * For each pointer it finds the primary-side value and the statistics path: array indexes, keys
 * of key-matched arrays and id-like object keys become `*`, so `/items/3/price` and
 * `/users/8812/name` stay bounded in cardinality. Every ancestor of an operation exists in both
 * documents (compare() only descends into containers present on both sides), so walking the
 * primary document is enough.
 *
 * It is on the hot path (once per changed field), so consecutive operations share work:
 * compare() emits operations grouped by container, so the walk resumes from the deepest segment
 * shared with the previous pointer, and statistics paths are interned (one string per distinct
 * path, so the collector's map lookups hit a cached hash).
 */
export class OpLocator {
  /** `prefixes[d]`: the pointer up to the end of segment `d`. */
  private readonly prefixes: string[] = [''];
  /** Char index where segment `d` ends in the last pointer (ends[0] = 0: the root). */
  private readonly ends: number[] = [0];
  private readonly nodes: unknown[];
  private readonly paths: string[] = [''];
  private readonly keys: string[] = [''];
  private depth = 0;
  private readonly interned = new Map<string, Map<string, string>>();

  /** Primary-side value at the last located pointer (undefined for an `add`). */
  value: unknown;
  /** Statistics path of the last located pointer. */
  path = '';

  /**
   * @param root the primary document.
   * @param keyed whether normalization built key-matched containers (checking costs a lookup).
   */
  constructor(
    root: unknown,
    private readonly keyed: boolean,
  ) {
    this.nodes = [root];
  }

  /** Last unescaped segment of the last located pointer (the field name). */
  get key(): string {
    return this.keys[this.depth] as string;
  }

  locate(pointer: string): void {
    // Deepest ancestor shared with the previous pointer: its prefix is a prefix of this pointer
    // and this pointer continues with a separator (siblings share everything but the last).
    const n = pointer.length;
    let d = this.depth - 1;
    while (d > 0) {
      const end = this.ends[d] as number;
      if (
        end < n &&
        pointer.charCodeAt(end) === 47 &&
        pointer.startsWith(this.prefixes[d] as string)
      ) {
        break;
      }
      d--;
    }
    if (d < 0) d = 0;
    let from = (this.ends[d] as number) + 1;
    for (let i = from; i <= n; i++) {
      if (i < n && pointer.charCodeAt(i) !== 47 /* / */) continue;
      const raw = pointer.slice(from, i);
      const key = raw.indexOf('~') < 0 ? raw : unescapeSegment(raw);
      const parent = this.nodes[d];
      let star = false;
      let node: unknown;
      if (parent !== null && typeof parent === 'object') {
        if (Array.isArray(parent)) {
          star = true;
          node = parent[Number(key)];
        } else {
          star = (this.keyed && isKeyedContainer(parent)) || isIdLike(key);
          node = Object.prototype.hasOwnProperty.call(parent, key)
            ? (parent as Record<string, unknown>)[key]
            : undefined;
        }
      }
      d++;
      this.nodes[d] = node;
      this.keys[d] = key;
      this.ends[d] = i;
      this.prefixes[d] = i === n ? pointer : pointer.slice(0, i);
      this.paths[d] = this.child(this.paths[d - 1] as string, star ? '*' : raw);
      from = i + 1;
    }
    this.depth = d;
    this.value = this.nodes[d];
    this.path = this.paths[d] as string;
  }

  /** Whether an ignore pattern matches the last located pointer at or above it. */
  underAny(patterns: readonly PointerPattern[]): boolean {
    for (const p of patterns) {
      if (p.length > this.depth) continue;
      let ok = true;
      for (let i = 0; i < p.length && ok; i++) {
        const s = p[i];
        ok = s === ANY || s === this.keys[i + 1];
      }
      if (ok) return true;
    }
    return false;
  }

  /** The unescaped segments of the last located pointer. */
  segments(): string[] {
    return this.keys.slice(1, this.depth + 1);
  }

  private child(parent: string, segment: string): string {
    let children = this.interned.get(parent);
    if (children === undefined) {
      children = new Map();
      this.interned.set(parent, children);
    }
    let path = children.get(segment);
    if (path === undefined) {
      path = parent + '/' + segment;
      children.set(segment, path);
    }
    return path;
  }
}
