/**
 * Distinct primary-side values per entry are counted with a KMV ("k minimum values") sketch:
 * keep the k smallest 32-bit hashes seen. Below k values the count is exact; past it the k-th
 * smallest hash estimates the total (standard error about 1/sqrt(k - 2), ~9% at k = 128). Memory
 * is bounded (k numbers per entry) and sketches merge exactly — the union's k smallest — so
 * windows from any number of workers add up in a store.
 */

/** k of the sketch: 128 hashes (512 bytes) per entry; Redis keeps that many in a listpack. */
export const NOISE_SKETCH_SIZE = 128;

const TWO_32 = 4_294_967_296;

/** FNV-1a over UTF-16 code units, finished with murmur3's avalanche so low bits are uniform. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The k smallest distinct hashes seen, ascending. */
export class KmvSketch {
  private readonly values: number[] = [];

  constructor(private readonly k: number = NOISE_SKETCH_SIZE) {}

  /** Adds one hash; returns whether the sketch changed. */
  add(hash: number): boolean {
    const v = this.values;
    if (v.length >= this.k && hash >= (v[v.length - 1] as number)) return false;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((v[mid] as number) < hash) lo = mid + 1;
      else hi = mid;
    }
    if (v[lo] === hash) return false;
    v.splice(lo, 0, hash);
    if (v.length > this.k) v.pop();
    return true;
  }

  addAll(hashes: Iterable<number>): void {
    for (const h of hashes) this.add(h);
  }

  /** The kept hashes, ascending (a copy). */
  hashes(): number[] {
    return this.values.slice();
  }

  get size(): number {
    return this.values.length;
  }

  /** Estimated distinct values added. */
  estimate(): number {
    return estimateDistinct(this.values.length, this.values[this.values.length - 1], this.k);
  }
}

/**
 * Distinct-count estimate from a KMV sketch's size and its largest kept hash: exact below `k`,
 * else `(k - 1) / normalised k-th value`. Stores that keep the sketch themselves (a Redis sorted
 * set) call this with what they hold.
 */
export function estimateDistinct(
  size: number,
  largest: number | undefined,
  k: number = NOISE_SKETCH_SIZE,
): number {
  if (size < k || largest === undefined) return size;
  return Math.round((k - 1) / ((largest + 1) / TWO_32));
}
