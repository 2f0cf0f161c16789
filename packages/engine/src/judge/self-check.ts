import type { CapturedResponse, DiffKind, DiffOp } from '@shadowdiff/contracts';
import type { CompiledRouteRule, CompiledRules } from '../route/compile-rules.js';
import type { DiffResult } from '../diff/collector.js';
import { diffResponses } from './compare-responses.js';

/** Ops that say "the value here is not the same": the rest (add, remove, type) are structural. */
export function isValueOp(op: DiffOp): boolean {
  return op === 'replace' || op === 'reorder';
}

/**
 * Where the primary's two answers to one request differed (primary vs secondary): the findings,
 * and each value the built-in rules forgave as `volatile` (two clocks within tolerance, two
 * UUIDs) as a `replace` — it still changed, so a shadow value out of tolerance there is no proof
 * of drift (a cache stamp seconds old on the primary, a minute old on the shadow).
 */
export function primaryDifferences(
  result: DiffResult,
): { kind: DiffKind; path: string; op: DiffOp }[] {
  const out = result.diffs.map((d) => ({ kind: d.kind, path: d.path, op: d.op }));
  for (const s of result.suppressed) {
    if (s.reason === 'volatile') out.push({ kind: s.kind, path: s.path, op: 'replace' });
  }
  return out;
}

/**
 * What differed between two answers of the primary to the same request (primary vs `secondary`,
 * the tap's self-check): per `kind \0 path`, the ops seen (`primaryDifferences`). Status findings
 * are left out (a status is never noise) and so is the whole body (path `''`: a body that is not
 * JSON or text-diffable would otherwise cancel everything).
 */
export class SelfCheck {
  private constructor(private readonly paths: ReadonlyMap<string, ReadonlySet<DiffOp>>) {}

  /** Diffs primary against secondary with the same rules (and rule) as primary against shadow. */
  static of(
    primary: CapturedResponse,
    secondary: CapturedResponse,
    rules: CompiledRules,
    rule: CompiledRouteRule | undefined,
  ): SelfCheck {
    const paths = new Map<string, Set<DiffOp>>();
    const add = (kind: DiffKind, path: string, op: DiffOp): void => {
      if (kind === 'status' || path === '' || path === '(other)') return;
      const key = `${kind}\u0000${path}`;
      let ops = paths.get(key);
      if (ops === undefined) paths.set(key, (ops = new Set()));
      ops.add(op);
    };
    for (const d of primaryDifferences(diffResponses(primary, secondary, rules, rule))) {
      add(d.kind, d.path, d.op);
    }
    return new SelfCheck(paths);
  }

  get size(): number {
    return this.paths.size;
  }

  /**
   * Whether a primary-vs-shadow finding is explained by the primary itself on this very pair: the
   * primary and its second answer also differed at the same kind and path. A value change
   * (`replace`, `reorder`) is explained by any difference there; a structural one (`add`,
   * `remove`, `type`) only by the same op — a field the primary always sends but the shadow
   * dropped is drift even where the primary's value changes.
   */
  explains(kind: DiffKind, path: string, op: DiffOp): boolean {
    if (kind === 'status') return false;
    const ops = this.paths.get(`${kind}\u0000${path}`);
    if (ops === undefined) return false;
    return isValueOp(op) || ops.has(op);
  }

  /** The primary-vs-secondary findings, as the learner counts them. */
  findings(): { kind: DiffKind; path: string; op: DiffOp }[] {
    const out: { kind: DiffKind; path: string; op: DiffOp }[] = [];
    for (const [key, ops] of this.paths) {
      const [kind, path] = key.split('\u0000') as [DiffKind, string];
      for (const op of ops) out.push({ kind, path, op });
    }
    return out;
  }
}
