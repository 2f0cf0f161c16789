import type { DiffKind, DiffOp, SuppressReason } from '@shadowdiff/contracts';

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
}
