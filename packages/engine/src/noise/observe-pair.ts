import type {
  CapturedResponse,
  DiffKind,
  DiffOp,
  Role,
  TapRecord,
  Verdict,
} from '@shadowdiff/contracts';
import { diffResponses } from '../judge/compare-responses.js';
import { primaryDifferences } from '../judge/self-check.js';
import { decodeBody, encodingOf } from '../normalize/decode-body.js';
import { normalizeBody } from '../normalize/normalize-body.js';
import type { CompiledRouteRule, CompiledRules } from '../route/compile-rules.js';
import { matchRoute } from '../route/template-route.js';
import type { RouteMatch } from '../route/template-route.js';
import type { ObservedChange, ObservedOrder, PairObservation } from './accumulator.js';
import { arrayPointers, compareArrays } from './array-order.js';
import { compilePointer } from '../normalize/json-pointer.js';
import type { NoiseView } from './noise-view.js';

/** A finding the noise filter took out of a verdict, as it was offered (with its op). */
export interface TakenFinding {
  kind: DiffKind;
  path: string;
  op: DiffOp;
}

export interface ObservePairInput {
  verdict: Verdict;
  /** The pair's records (bodies are parsed again only to check candidate sets). */
  records: Partial<Record<Role, TapRecord>>;
  /** Findings the view suppressed while judging this pair. */
  taken: readonly TakenFinding[];
  /** The primary's templated route and rule as judged (omitted: templated again when needed). */
  route?: RouteMatch | undefined;
}

export interface ObservePairOptions {
  rules: CompiledRules;
  view: NoiseView;
  /** Compare primary with secondary too (the Diffy role is on and a secondary answered). */
  secondary: boolean;
}

function jsonOf(r: CapturedResponse, rule: CompiledRouteRule | undefined): unknown {
  if (r.bodyTruncated) return undefined;
  const body = normalizeBody(decodeBody(r.body, encodingOf(r), r.headers['content-type']), rule);
  return body.kind === 'json' ? body.value : undefined;
}

/**
 * Candidate sets: arrays under reported body findings whose evidence is still wanted. Findings
 * inside a reordered array are positional artefacts, so an array nested under one that was
 * already found reordered is not inspected.
 */
function observeOrders(
  route: string,
  changes: readonly ObservedChange[],
  primary: CapturedResponse,
  shadow: CapturedResponse,
  rule: CompiledRouteRule | undefined,
  view: NoiseView,
): ObservedOrder[] {
  const pointers = new Set<string>();
  for (const c of changes) {
    // Only reported findings: one the view took out is explained already, and parsing bodies for
    // it on every pair would never end (its array compares `same` and gathers no evidence).
    if (c.kind !== 'body' || c.values === undefined) continue;
    // A `reorder` names its array; any other finding under an element names the arrays above it.
    if (c.op === 'reorder' && view.wantsOrderEvidence(route, c.path)) pointers.add(c.path);
    if (c.path.indexOf('/*') < 0) continue;
    for (const p of arrayPointers(c.path)) {
      if (view.wantsOrderEvidence(route, p)) pointers.add(p);
    }
  }
  if (pointers.size === 0) return [];
  const a = jsonOf(primary, rule);
  const b = jsonOf(shadow, rule);
  if (a === undefined || b === undefined) return [];
  const out: ObservedOrder[] = [];
  const reordered: string[] = [];
  for (const pointer of [...pointers].sort((x, y) => x.length - y.length)) {
    if (reordered.some((r) => pointer.startsWith(r + '/'))) continue;
    const skip = view.elementSkip(route, compilePointer(pointer, 'set'), rule);
    const c = compareArrays(a, b, pointer, skip);
    if (c === undefined || c.relation === 'same') continue;
    const permutation = c.relation === 'permutation';
    if (permutation) reordered.push(pointer);
    out.push({
      path: pointer,
      permutation,
      sortedPrimary: c.sortedPrimary,
      sortedShadow: c.sortedShadow,
    });
  }
  return out;
}

/**
 * Turns a judged pair into what the learner counts: every primary-vs-shadow finding the built-in
 * rules left (reported ones with their values, ones the view took out without), the arrays that
 * were reordered, and — in the Diffy role — the primary-vs-secondary findings. Orphans and
 * errors compare nothing and give undefined. Pure; bodies are parsed again only while a candidate
 * set still needs evidence, and the secondary is diffed only when asked.
 */
export function observePair(
  input: ObservePairInput,
  options: ObservePairOptions,
): PairObservation | undefined {
  const { verdict, records } = input;
  if (verdict.outcome !== 'match' && verdict.outcome !== 'diff') return undefined;
  const changes: ObservedChange[] = [];
  for (const d of verdict.diffs) {
    if (d.kind === 'status') continue;
    changes.push({
      kind: d.kind,
      path: d.path,
      op: d.op,
      values: { primary: d.primary, shadow: d.shadow },
    });
  }
  for (const t of input.taken) changes.push({ kind: t.kind, path: t.path, op: t.op });
  const observation: PairObservation = { route: verdict.route, changes };
  const primary = records.primary;
  if (primary !== undefined) observation.capturedAt = primary.capturedAt;

  const shadow = records.shadow;
  if (primary?.response === undefined) return observation;
  let rule: CompiledRouteRule | undefined;
  let ruleKnown = false;
  const ruleOf = () => {
    if (!ruleKnown) {
      const configured = (
        input.route ?? matchRoute(primary.request.method, primary.request.url, options.rules)
      ).rule;
      rule = options.view.rule(verdict.route, configured);
      ruleKnown = true;
    }
    return rule;
  };
  if (shadow?.response !== undefined && changes.length > 0) {
    const orders = observeOrders(
      verdict.route,
      changes,
      primary.response,
      shadow.response,
      ruleOf(),
      options.view,
    );
    if (orders.length > 0) observation.orders = orders;
  }
  const secondary = records.secondary;
  if (options.secondary && secondary?.response !== undefined && shadow !== undefined) {
    observation.secondary = primaryDifferences(
      diffResponses(primary.response, secondary.response, options.rules, ruleOf()),
    );
  }
  return observation;
}
