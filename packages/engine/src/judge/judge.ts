import { NO_ROUTE, ROLES, VERDICT_VERSION } from '@shadowdiff/contracts';
import type {
  DiffEntry,
  Outcome,
  Role,
  SuppressedEntry,
  TapRecord,
  Verdict,
} from '@shadowdiff/contracts';
import { DiffCollector } from '../diff/collector.js';
import type { CompiledRules } from '../route/compile-rules.js';
import { matchRoute } from '../route/template-route.js';
import type { RouteMatch } from '../route/template-route.js';
import { collectResponseDiff } from './compare-responses.js';
import type { NoiseFilter } from './noise-filter.js';
import { allPendingNoise } from '../noise/pending.js';
import { SelfCheck } from './self-check.js';

export interface JudgeInput {
  traceId: string;
  service: string;
  /** The halves that arrived. */
  records: Partial<Record<Role, TapRecord>>;
  /** Roles the pair needs; any missing one makes the verdict an orphan. */
  expected: readonly Role[];
  /**
   * The anchor record's templated route (primary, else shadow, else secondary), when the caller
   * templated it already (the align stages template each record once and pass the route along).
   * Omitted: judge templates the anchor itself.
   */
  route?: RouteMatch | undefined;
}

export interface JudgeContext {
  rules: CompiledRules;
  /** Epoch ms: the verdict's `decidedAt` (the engine reads no clock). */
  now: number;
  /** Learned noise; omitted means built-in rules only. */
  noise?: NoiseFilter;
}

interface Head {
  input: JudgeInput;
  route: string;
  now: number;
  roles: Role[];
  status: Partial<Record<Role, number>>;
  latencyMs: Partial<Record<Role, number>>;
}

/** One literal with every field: object spread here cost more than the rest of a matching judge. */
function build(
  head: Head,
  outcome: Outcome,
  diffs: DiffEntry[],
  suppressed: SuppressedEntry[],
): Verdict {
  return {
    v: VERDICT_VERSION,
    traceId: head.input.traceId,
    service: head.input.service,
    route: head.route,
    outcome,
    decidedAt: head.now,
    roles: head.roles,
    status: head.status,
    latencyMs: head.latencyMs,
    diffs,
    suppressed,
  };
}

function upstreamValue(record: TapRecord): number | string {
  return record.response?.status ?? `error:${record.error?.kind ?? 'other'}`;
}

/**
 * Judges one trace (pure: no I/O, no clock). Outcomes:
 * - `orphan`: an expected role is missing (`missingRoles` names it); nothing is compared.
 * - `error`: both compared sides failed upstream (no response on either): there is nothing to
 *   compare. `error` carries `ERR_UPSTREAM` and both messages; different failure kinds
 *   (`error:timeout` vs `error:reset`) are also a `major` status finding.
 * - `diff`: at least one finding left after built-in rules and `ctx.noise`. One side failing
 *   upstream while the other answered is a `critical` status finding, e.g. primary `200`,
 *   shadow `error:timeout`.
 * - `match`: no findings (suppressed entries may still list what was deliberately ignored).
 *
 * Primary is compared with shadow (or with secondary when no shadow is expected). When a pair has
 * a secondary too (a second answer of the primary to the same request: the tap's self-check, or a
 * Diffy-style second instance), primary is also compared with secondary, and a primary-vs-shadow
 * finding at a kind and path where the primary's two answers differ as well is noise proven by
 * this very pair: suppressed with reason `secondary` (see `SelfCheck.explains`; a filter's
 * `selfChecked` may keep it, e.g. a path a user rejected as noise). Status findings never are.
 */
export function judge(input: JudgeInput, ctx: JudgeContext): Verdict {
  const { records } = input;
  const roles: Role[] = [];
  const status: Partial<Record<Role, number>> = {};
  const latencyMs: Partial<Record<Role, number>> = {};
  for (const role of ROLES) {
    const record = records[role];
    if (record === undefined) continue;
    roles.push(role);
    latencyMs[role] = record.durationMs;
    if (record.response !== undefined) status[role] = record.response.status;
  }
  const anchor = records.primary ?? records.shadow ?? records.secondary;
  const match =
    input.route ??
    (anchor === undefined
      ? undefined
      : matchRoute(anchor.request.method, anchor.request.url, ctx.rules));
  // A verdict with no record at all to template from (never expected in practice).
  const route = match?.route ?? NO_ROUTE;
  const head: Head = { input, route, now: ctx.now, roles, status, latencyMs };

  const missingRoles = input.expected.filter((role) => records[role] === undefined);
  if (missingRoles.length > 0) {
    const verdict = build(head, 'orphan', [], []);
    verdict.missingRoles = missingRoles;
    return verdict;
  }
  const a = records.primary;
  const b = records.shadow ?? records.secondary;
  if (a === undefined || b === undefined) {
    const verdict = build(head, 'error', [], []);
    verdict.error = {
      code: 'ERR_USAGE',
      message: `nothing to compare: expected roles [${input.expected.join(', ')}] need primary and shadow`,
    };
    return verdict;
  }

  const out = new DiffCollector();
  let check: SelfCheck | undefined;
  if (a.response === undefined || b.response === undefined) {
    const va = upstreamValue(a);
    const vb = upstreamValue(b);
    const bothFailed = a.response === undefined && b.response === undefined;
    if (va !== vb) {
      out.diff({
        kind: 'status',
        path: 'status',
        op: 'replace',
        severity: bothFailed ? 'major' : 'critical',
        primary: va,
        shadow: vb,
      });
    }
    if (bothFailed) {
      const { diffs, suppressed } = out.result();
      const verdict = build(head, 'error', diffs, suppressed);
      verdict.error = {
        code: 'ERR_UPSTREAM',
        message: `primary ${va}: ${a.error?.message ?? ''}; ${b.role} ${vb}: ${b.error?.message ?? ''}`,
      };
      return verdict;
    }
  } else {
    const rule = ctx.noise?.rule ? ctx.noise.rule(route, match?.rule) : match?.rule;
    collectResponseDiff(a.response, b.response, { rules: ctx.rules, rule }, out);
    const second = records.secondary?.response;
    if (second !== undefined && b === records.shadow && out.size > 0) {
      check = SelfCheck.of(a.response, second, ctx.rules, rule);
    }
  }

  const noise = ctx.noise;
  const { diffs, suppressed } = out.result(
    noise === undefined && check === undefined
      ? undefined
      : (entry) => {
          if (entry.kind === 'status') return undefined;
          const reason = noise?.suppress(route, entry.kind, entry.path, entry.op);
          if (reason !== undefined || check === undefined) return reason;
          if (!check.explains(entry.kind, entry.path, entry.op)) return undefined;
          if (noise?.selfChecked === undefined) return 'secondary';
          return noise.selfChecked(route, entry.kind, entry.path, entry.op);
        },
  );
  const verdict = build(head, diffs.length > 0 ? 'diff' : 'match', diffs, suppressed);
  if (allPendingNoise(noise, route, diffs)) verdict.noisePending = true;
  return verdict;
}
