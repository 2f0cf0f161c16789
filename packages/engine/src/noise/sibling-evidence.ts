import type { DiffOp } from '@shadowdiff/contracts';
import { selfCheckNoisy } from './learner.js';

/**
 * Routes of the service on which the primary's own two answers must have differed at a path
 * (self-check noisy there) before a route with no evidence of its own takes that path for noise.
 */
export const SIBLING_MIN_ROUTES = 2;

/**
 * Noisy routes needed per route that speaks against it (self-checked at least
 * `ROUTE_STABLE_PAIRS` times, primary never differed from itself there, the shadow did): a field
 * name that is noise on most routes and drift on a few is not presumed noise anywhere new.
 */
export const SIBLING_NOISY_PER_STABLE = 3;

/**
 * Self-checked pairs of its own, with the primary holding still at a path, after which a route no
 * longer borrows its siblings' evidence for that path: two calls that agree twice are the route's
 * own answer (a shuffle of four keeps its order in 1 of 24 calls, twice in 1 of 576; a random
 * `tookMs` of 40 values repeats in 1 of 40, twice in 1 of 1 600).
 */
export const ROUTE_STABLE_PAIRS = 2;

interface PathCount {
  /** Routes where a value change at the path is self-check noise. */
  value: number;
  /** Routes where a reorder of the array at the path is self-check noise. */
  order: number;
  /** Routes self-checked enough where the primary held still at the path but the shadow did not. */
  stable: number;
}

/**
 * Self-check evidence across the routes of one service, per `kind \0 path` (pure, built with the
 * view). A route's first pairs have little self-check evidence of their own: one self-check whose
 * two answers agree by chance (a shuffled list that kept its order, a `tookMs` that repeated)
 * proves nothing, and most routes of a real API see a handful of requests. Where the primary's
 * own answers differ at the same field on other routes of the service (envelope fields, timing,
 * facet lists: one code path serialises them everywhere), a value change there on a route that
 * has not yet shown the primary holding still is noise too.
 */
export class SiblingEvidence {
  private readonly paths = new Map<string, PathCount>();
  private readonly rejected = new Set<string>();

  private count(key: string): PathCount {
    let c = this.paths.get(key);
    if (c === undefined) this.paths.set(key, (c = { value: 0, order: 0, stable: 0 }));
    return c;
  }

  /**
   * One route's stored self-check statistics: `pairs` self-checked, `selfDiffs` (`kind \0 path` ->
   * pairs where primary and secondary differed) and the `kind \0 path` keys where primary and
   * shadow differed (`reported`).
   */
  addRoute(
    pairs: number,
    selfDiffs: ReadonlyMap<string, number>,
    reported: Iterable<string>,
  ): void {
    if (pairs === 0) return;
    for (const [key, n] of selfDiffs) {
      const c = this.count(key);
      if (selfCheckNoisy(n, pairs, 'replace')) c.value++;
      if (selfCheckNoisy(n, pairs, 'reorder')) c.order++;
    }
    if (pairs < ROUTE_STABLE_PAIRS) return;
    for (const key of reported) if (!selfDiffs.has(key)) this.count(key).stable++;
  }

  /** A user rejected the path as noise on some route: never presumed noise elsewhere. */
  reject(key: string): void {
    this.rejected.add(key);
  }

  /** Whether the service's other routes make a change of `op` at `key` noise; `extra` noisy routes
   * the store has not seen yet (a worker's own recent self-checks). */
  explains(key: string, op: DiffOp, extra = 0): boolean {
    if (this.rejected.has(key)) return false;
    const c = this.paths.get(key);
    const noisy = (c === undefined ? 0 : op === 'reorder' ? c.order : c.value) + extra;
    return noisy >= SIBLING_MIN_ROUTES && noisy >= SIBLING_NOISY_PER_STABLE * (c?.stable ?? 0);
  }
}
