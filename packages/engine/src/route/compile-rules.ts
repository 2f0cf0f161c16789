import {
  ANY,
  ConfigError,
  compileJsonPointer,
  compileRoutePattern,
  formatConfigKey,
  rulesConfigSchema,
} from '@shadowdiff/contracts';
import type { RoutePattern, RulesConfig, RulesConfigInput } from '@shadowdiff/contracts';
import type { PointerPattern } from '../normalize/json-pointer.js';
import type { ArrayRule } from '../normalize/normalize-json.js';
import { VOLATILE_HEADERS } from '../normalize/volatile-headers.js';

/** Numeric tolerance under a pointer: equal when within `abs` OR within `rel` (of the larger). */
export interface ToleranceRule {
  pointer: PointerPattern;
  abs: number | undefined;
  rel: number | undefined;
}

/** Header comparison settings of one route (the global allowlist merged with the route's). */
export interface HeaderRule {
  /** Lower-case names to compare; volatile headers already removed. */
  readonly names: readonly string[];
  /** `*` was listed: compare every header present on either side except volatile ones. */
  readonly all: boolean;
}

/** One `rules.routes[]` entry, compiled. Entries with the same route text are merged. */
export interface CompiledRouteRule {
  /**
   * The rule's normalised pattern text, e.g. `GET /orders/{id}` or `* /static/*` (any method).
   * A matching request is templated as `<pattern method or request method> <pattern path>`.
   */
  readonly route: string;
  readonly pattern: RoutePattern;
  /** Ignored pointers: ops at or under them are suppressed with reason `rule`. */
  readonly ignore: readonly PointerPattern[];
  /** Deepest pointer first. */
  readonly arrays: readonly ArrayRule[];
  readonly tolerance: readonly ToleranceRule[];
  readonly headers: HeaderRule;
}

/** Rules compiled once at start-up; every per-pair decision reads these, nothing is re-parsed. */
export interface CompiledRules {
  readonly headers: HeaderRule;
  readonly timestampToleranceMs: number;
  readonly floatRelTolerance: number;
  /** In config order: the first matching pattern wins. */
  readonly routes: readonly CompiledRouteRule[];
}

function headerRule(names: readonly string[]): HeaderRule {
  const kept = new Set<string>();
  let all = false;
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (name === '*') all = true;
    else if (name !== '' && !VOLATILE_HEADERS.has(name)) kept.add(name);
  }
  return { names: [...kept], all };
}

/** Whether two pointer patterns can match a common path prefix (`*` meets anything). */
function overlaps(outer: PointerPattern, inner: PointerPattern): boolean {
  for (let i = 0; i < outer.length; i++) {
    const a = outer[i];
    const b = inner[i];
    if (a !== ANY && b !== ANY && a !== b) return false;
  }
  return true;
}

/**
 * Validates and compiles `rules` (the `rules:` section of the config; defaults applied here too,
 * so `compileRules({})` is the built-in behaviour). Throws ConfigError naming the bad key, e.g.
 * `rules.routes[2].ignore[0]`: call it at start-up, once.
 */
export function compileRules(rules: RulesConfig | RulesConfigInput = {}): CompiledRules {
  const parsed = rulesConfigSchema.safeParse(rules);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = formatConfigKey(['rules', ...(issue?.path ?? [])]);
    throw new ConfigError('ERR_CONFIG_INVALID', `${where}: ${issue?.message ?? 'invalid'}`);
  }
  const config = parsed.data;
  const groups = new Map<string, CompiledRouteRule & { pending: RoutePendingParts }>();
  config.routes.forEach((route, i) => {
    const key = `rules.routes[${i}]`;
    const pattern = compileRoutePattern(route.route, `${key}.route`);
    const text = `${pattern.method ?? '*'} ${pattern.path}`;
    let group = groups.get(text);
    if (group === undefined) {
      group = {
        route: text,
        pattern,
        ignore: [],
        arrays: [],
        tolerance: [],
        headers: headerRule(config.headers),
        pending: { headers: [...config.headers] },
      };
      groups.set(text, group);
    }
    const ignore = group.ignore as PointerPattern[];
    route.ignore.forEach((p, j) => ignore.push(compileJsonPointer(p, `${key}.ignore[${j}]`)));
    const tolerance = group.tolerance as ToleranceRule[];
    for (const [p, t] of Object.entries(route.tolerance)) {
      tolerance.push({
        pointer: compileJsonPointer(p, `${key}.tolerance.${p}`),
        abs: t.abs,
        rel: t.rel,
      });
    }
    const arrays = group.arrays as ArrayRule[];
    for (const [p, mode] of Object.entries(route.arrays)) {
      arrays.push({
        pointer: compileJsonPointer(p, `${key}.arrays.${p}`),
        mode: mode === 'set' ? { kind: 'set' } : { kind: 'key', key: mode.key },
        skip: [],
      });
    }
    group.pending.headers.push(...route.headers);
  });
  const routes: CompiledRouteRule[] = [];
  for (const group of groups.values()) {
    const { pending, ...rule } = group;
    const arrays = rule.arrays.map((a) => ({
      ...a,
      skip: rule.ignore
        .filter((p) => p.length > a.pointer.length + 1 && overlaps(a.pointer, p))
        .map((p) => p.slice(a.pointer.length + 1)),
    }));
    arrays.sort((x, y) => y.pointer.length - x.pointer.length);
    routes.push({ ...rule, arrays, headers: headerRule(pending.headers) });
  }
  return {
    headers: headerRule(config.headers),
    timestampToleranceMs: config.timestampToleranceMs,
    floatRelTolerance: config.floatRelTolerance,
    routes,
  };
}

interface RoutePendingParts {
  headers: string[];
}
