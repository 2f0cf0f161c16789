import { ConfigError } from '@shadowdiff/contracts';

/** Marks a `*` segment: any one object key or array index. */
export const ANY = Symbol('any-segment');

/** A compiled JSON pointer pattern: unescaped segments, `ANY` for `*`. */
export type PointerPattern = readonly (string | typeof ANY)[];

/** Unescapes one RFC 6901 segment (`~1` -> `/`, `~0` -> `~`). */
export function unescapeSegment(segment: string): string {
  if (segment.indexOf('~') < 0) return segment;
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Escapes one segment for a JSON pointer. */
export function escapeSegment(segment: string): string {
  if (segment.indexOf('~') < 0 && segment.indexOf('/') < 0) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Splits an escaped pointer (`/a/b~1c`) into unescaped segments (`['a', 'b/c']`); `''` is the root. */
export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  const raw = pointer.split('/');
  raw.shift();
  for (let i = 0; i < raw.length; i++) raw[i] = unescapeSegment(raw[i] as string);
  return raw;
}

/**
 * Compiles a configured pointer pattern. `key` names the config key in the error so a typo fails
 * at start-up with a message that says where.
 */
export function compilePointer(pattern: string, key: string): PointerPattern {
  if (pattern !== '' && !pattern.startsWith('/')) {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      `${key}: "${pattern}" is not a JSON pointer — it must start with "/" (e.g. /items/*/id)`,
    );
  }
  return splitPointer(pattern).map((s) => (s === '*' ? ANY : s));
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
