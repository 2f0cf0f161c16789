import type { DiffKind, DiffOp } from '@shadowdiff/contracts';
import { selfCheckNoisy } from './learner.js';

interface RouteEvidence {
  pairs: number;
  /** `kind \0 path` -> pairs where primary and secondary differed there. */
  diffs: Map<string, number>;
}

/** Routes kept per generation; past it, new routes wait for the store like everything else. */
const MAX_ROUTES = 1_000;

/**
 * Self-check evidence a worker observed that its current view does not hold yet, in two
 * generations: `current` (not drained to the store yet) and `drained` (handed to the store, not
 * yet in a snapshot the view was built from). A drain moves current to drained; applying a fresh
 * snapshot (which holds what was drained) drops drained. So nothing is counted twice for long,
 * and nothing is missing between a pair and the next refresh.
 */
export class SelfCheckOverlay {
  private current = new Map<string, RouteEvidence>();
  private drained = new Map<string, RouteEvidence>();

  /** `kind \0 path \0 op` -> `noisyRoutes`, valid until the evidence changes. */
  private noisy = new Map<string, number>();

  add(route: string, findings: readonly { kind: DiffKind; path: string; op: DiffOp }[]): void {
    this.noisy.clear();
    let r = this.current.get(route);
    if (r === undefined) {
      if (this.current.size >= MAX_ROUTES) return;
      this.current.set(route, (r = { pairs: 0, diffs: new Map() }));
    }
    r.pairs++;
    const seen = new Set<string>();
    for (const f of findings) {
      if (f.kind === 'status' || f.path === '') continue;
      const key = `${f.kind}\u0000${f.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      r.diffs.set(key, (r.diffs.get(key) ?? 0) + 1);
    }
  }

  /**
   * Routes whose evidence here makes a change of `op` at `kind` + `path` self-check noise (a route
   * in both generations counted on their sum). Cached until the evidence changes: a drifting
   * path asked about on every pair costs one lookup.
   */
  noisyRoutes(kind: DiffKind, path: string, op: DiffOp): number {
    const key = `${kind}\u0000${path}\u0000${op === 'reorder' ? 'reorder' : 'replace'}`;
    const cached = this.noisy.get(key);
    if (cached !== undefined) return cached;
    const k = `${kind}\u0000${path}`;
    let n = 0;
    for (const [route, a] of this.current) {
      const b = this.drained.get(route);
      const diffs = (a.diffs.get(k) ?? 0) + (b?.diffs.get(k) ?? 0);
      if (selfCheckNoisy(diffs, a.pairs + (b?.pairs ?? 0), op)) n++;
    }
    for (const [route, b] of this.drained) {
      if (!this.current.has(route) && selfCheckNoisy(b.diffs.get(k) ?? 0, b.pairs, op)) n++;
    }
    this.noisy.set(key, n);
    return n;
  }

  has(route: string): boolean {
    return this.current.has(route) || this.drained.has(route);
  }

  counts(route: string, kind: DiffKind, path: string): { pairs: number; diffs: number } {
    const key = `${kind}\u0000${path}`;
    const a = this.current.get(route);
    const b = this.drained.get(route);
    return {
      pairs: (a?.pairs ?? 0) + (b?.pairs ?? 0),
      diffs: (a?.diffs.get(key) ?? 0) + (b?.diffs.get(key) ?? 0),
    };
  }

  /** The current generation went to the store. */
  flushed(): void {
    for (const [route, r] of this.current) {
      const d = this.drained.get(route);
      if (d === undefined) {
        this.drained.set(route, r);
        continue;
      }
      d.pairs += r.pairs;
      for (const [k, n] of r.diffs) d.diffs.set(k, (d.diffs.get(k) ?? 0) + n);
    }
    this.current = new Map();
    this.noisy.clear();
  }

  /** A snapshot holding what was drained is in use now. */
  applied(): void {
    this.drained = new Map();
    this.noisy.clear();
  }
}
