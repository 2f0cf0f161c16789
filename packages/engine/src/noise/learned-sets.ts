import { ANY, compilePointer } from '../normalize/json-pointer.js';
import type { PointerPattern } from '../normalize/json-pointer.js';
import type { ArrayRule } from '../normalize/normalize-json.js';
import type { CompiledRouteRule, CompiledRules } from '../route/compile-rules.js';
import { compileRoutePattern } from '@shadowdiff/contracts';

/** Whether two pointer patterns can name the same place over `outer`'s length (`*` matches any). */
export function overlaps(outer: PointerPattern, inner: PointerPattern): boolean {
  for (let i = 0; i < outer.length; i++) {
    const a = outer[i];
    const b = inner[i];
    if (a !== ANY && b !== ANY && a !== b) return false;
  }
  return true;
}

function samePattern(a: PointerPattern, b: PointerPattern): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * A route's rule extended with learned sets: `arrays: { <path>: set }` for each learned or
 * confirmed set pointer a configured array rule does not name already (deepest first, as
 * `compileRules` orders them). `skip` gives the element paths left out of identity.
 */
export function withLearnedSets(
  route: string,
  sets: readonly string[],
  configured: CompiledRouteRule | undefined,
  rules: CompiledRules,
  skip: (pointer: PointerPattern, base: CompiledRouteRule) => PointerPattern[],
): CompiledRouteRule {
  let base = configured;
  if (base === undefined) {
    // The pattern only matters to matchRoute, which never sees this rule; a templated route
    // always compiles, and `/` stands in for anything odd.
    let pattern;
    try {
      pattern = compileRoutePattern(route, 'learned route');
    } catch {
      pattern = compileRoutePattern('/', 'learned route');
    }
    base = { route, pattern, ignore: [], arrays: [], tolerance: [], headers: rules.headers };
  }
  const arrays: ArrayRule[] = base.arrays.slice();
  for (const path of sets) {
    const pointer = compilePointer(path, 'learned set');
    if (arrays.some((a) => samePattern(a.pointer, pointer))) continue;
    arrays.push({ pointer, mode: { kind: 'set' }, skip: skip(pointer, base) });
  }
  arrays.sort((x, y) => y.pointer.length - x.pointer.length);
  return { ...base, arrays };
}
