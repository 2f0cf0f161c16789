import type { DiffKind, DiffOp, SuppressReason } from '@shadowdiff/contracts';
import type { CompiledRouteRule } from '../route/compile-rules.js';

/**
 * The hook learned noise plugs into (the noise learner, the secondary role). `judge` offers every
 * header and body finding of a pair after the built-in rules ran; a returned reason moves the
 * finding from `verdict.diffs` to `verdict.suppressed` — nothing disappears silently. Status
 * findings are never offered: a status change is never noise.
 *
 * `op` lets an implementation refuse structural changes (`remove`, `type`), which are never
 * learned as noise; implementations that only look at the path may ignore it.
 */
export interface NoiseFilter {
  suppress(route: string, kind: DiffKind, path: string, op: DiffOp): SuppressReason | undefined;
  /**
   * Optional: the rule to compare a route's bodies with, given its configured rule (if any). The
   * noise learner returns the configured rule extended with learned sets (`arrays: { <path>: set }`)
   * so a reordered set normalizes away exactly as a configured one would. Default: `configured`.
   */
  rule?(route: string, configured: CompiledRouteRule | undefined): CompiledRouteRule | undefined;
  /**
   * Optional: told of a finding `suppress` left that the pair's own self-check explains (the
   * primary's second answer differed at the same path); returns the reason to suppress it with,
   * or undefined to report it anyway (a path a user rejected as noise). Default: `secondary`.
   */
  selfChecked?(route: string, kind: DiffKind, path: string, op: DiffOp): SuppressReason | undefined;
  /**
   * Optional: whether a finding left in `verdict.diffs` is noise still being decided (a candidate
   * with too little evidence yet). A diff verdict whose every finding is pending is marked
   * `noisePending` (the diff-rate alert leaves it out). Default: never.
   */
  pending?(route: string, kind: DiffKind, path: string, op: DiffOp): boolean;
}
