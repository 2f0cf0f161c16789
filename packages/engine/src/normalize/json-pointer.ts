import { ANY, compileJsonPointer } from '@shadowdiff/contracts';
import type { PointerPattern } from '@shadowdiff/contracts';

// The one pointer compiler (and its ANY marker) lives in contracts beside the config schema.
export { ANY, escapeSegment, splitPointer, unescapeSegment } from '@shadowdiff/contracts';
export type { PointerPattern } from '@shadowdiff/contracts';

/**
 * Compiles a pointer taken from documents (learned paths, diff paths): only the leading `/` is
 * required, a key may hold a `*`. Configured pointers go through the schema's strict check.
 */
export function compilePointer(pattern: string, key: string): PointerPattern {
  return compileJsonPointer(pattern, key, { strict: false });
}

/** True when `pattern` matches `segments` exactly (same length). */
export function matchesExactly(pattern: PointerPattern, segments: readonly string[]): boolean {
  if (pattern.length !== segments.length) return false;
  return matchesPrefix(pattern, segments);
}

/** True when `pattern` matches the first `pattern.length` segments: the path is at or under it. */
export function matchesPrefix(pattern: PointerPattern, segments: readonly string[]): boolean {
  if (pattern.length > segments.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p !== ANY && p !== segments[i]) return false;
  }
  return true;
}
