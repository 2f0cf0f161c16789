import { z } from 'zod';
import { ROLES } from './roles.js';
import type { Role } from './roles.js';

export const VERDICT_VERSION = 1 as const;

export const OUTCOMES = ['match', 'diff', 'orphan', 'error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const DIFF_KINDS = ['status', 'header', 'body'] as const;
export type DiffKind = (typeof DIFF_KINDS)[number];

/**
 * Most to least serious: a status class change (2xx -> 5xx) is `critical`; a type change, a removed
 * field or a status change within a class is `major`; a changed value is `minor`; an added field is
 * `info`.
 */
export const SEVERITIES = ['critical', 'major', 'minor', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * `reorder` (added in v1.1, additive): an array holds the same elements (matched by identity key,
 * or by value for scalars) in another order; one finding at the array's path.
 */
export const DIFF_OPS = ['add', 'remove', 'replace', 'type', 'reorder'] as const;
export type DiffOp = (typeof DIFF_OPS)[number];

export const SUPPRESS_REASONS = ['rule', 'volatile', 'learned', 'secondary'] as const;
export type SuppressReason = (typeof SUPPRESS_REASONS)[number];

export interface DiffEntry {
  kind: DiffKind;
  /** JSON pointer for bodies (`/items/*\/price`, array indexes as `*`), header name, or `status`. */
  path: string;
  op: DiffOp;
  severity: Severity;
  /**
   * Concrete, readable location (added in v1.1, optional), present when the path crosses an
   * array: elements named by identity key `/items[sku=SKU-66-1]/price`, scalar elements by value
   * `/tags[="red"]`, by index only as the fallback `/items[3]`. `path` stays the template.
   */
  at?: string;
  /** Primary value; for `reorder` the shared keys (or values) in primary order. */
  primary?: unknown;
  /** Shadow value; for `reorder` the shared keys (or values) in shadow order. */
  shadow?: unknown;
}

export interface SuppressedEntry {
  kind: DiffKind;
  path: string;
  reason: SuppressReason;
}

/** The worker's judgement of one trace. v1 contract of `shadowdiff.verdicts`. */
export interface Verdict {
  v: typeof VERDICT_VERSION;
  traceId: string;
  service: string;
  /** Templated route, e.g. `GET /orders/{id}`: bounded cardinality. */
  route: string;
  outcome: Outcome;
  /** Epoch ms when the verdict was reached. */
  decidedAt: number;
  /** Roles that were present. */
  roles: Role[];
  /** For orphans: the roles that never arrived within the alignment window. */
  missingRoles?: Role[];
  status: Partial<Record<Role, number>>;
  latencyMs: Partial<Record<Role, number>>;
  diffs: DiffEntry[];
  suppressed: SuppressedEntry[];
  error?: { code: string; message: string };
  /**
   * Added in v1.2 (optional): `true` on a `diff` verdict whose every finding is a noise
   * candidate the learner (or self-check) is still deciding: a value change at a path, or a
   * reordering of an array, whose evidence so far looks like noise but has fewer samples than
   * `noise.minSamples`. Still a `diff` (counted in `shadow.pairs`); the diff-rate alert leaves
   * it out (`shadow.pairs.noise_pending`). Absent otherwise.
   */
  noisePending?: true;
}

const roleMap = <T extends z.ZodTypeAny>(t: T) =>
  z.object({ primary: t.optional(), shadow: t.optional(), secondary: t.optional() }).strict();

export const verdictSchema = z
  .object({
    v: z.literal(VERDICT_VERSION),
    traceId: z.string().min(1),
    service: z.string(),
    route: z.string(),
    outcome: z.enum(OUTCOMES),
    decidedAt: z.number().finite(),
    roles: z.array(z.enum(ROLES)),
    missingRoles: z.array(z.enum(ROLES)).optional(),
    status: roleMap(z.number().int()),
    latencyMs: roleMap(z.number().finite()),
    diffs: z.array(
      z
        .object({
          kind: z.enum(DIFF_KINDS),
          path: z.string(),
          op: z.enum(DIFF_OPS),
          severity: z.enum(SEVERITIES),
          at: z.string().optional(),
          primary: z.unknown().optional(),
          shadow: z.unknown().optional(),
        })
        .strict(),
    ),
    suppressed: z.array(
      z
        .object({ kind: z.enum(DIFF_KINDS), path: z.string(), reason: z.enum(SUPPRESS_REASONS) })
        .strict(),
    ),
    error: z.object({ code: z.string(), message: z.string() }).strict().optional(),
    noisePending: z.literal(true).optional(),
  })
  .strict();
