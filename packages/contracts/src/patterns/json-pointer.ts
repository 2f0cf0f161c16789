/**
 * The one JSON-pointer compiler of the config file (RFC 6901, with `*` for any one object key or
 * array index), used by `tap.redact.jsonPaths` and `rules.routes[].ignore`, `arrays`, `tolerance`.
 */
import { ConfigError } from '../errors.js';

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

export interface PointerOptions {
  /**
   * A pointer written by a person (the config file): besides the leading `/`, refuse a bad `~`
   * escape and what is legal but surely a typo that would match nothing: a trailing `/` (the key
   * `""`) and a `**` segment (a glob habit). Default true. Paths taken from documents (learned
   * noise) pass false: any key is possible there.
   */
  strict?: boolean;
  /** Whether `''` (the whole document) is accepted. Default true. */
  root?: boolean;
}

/** Why `pointer` is not a pointer the config accepts, or undefined when it is one. */
export function jsonPointerProblem(
  pointer: string,
  options: PointerOptions = {},
): string | undefined {
  if (pointer === '') {
    return options.root === false
      ? `"" is the whole document; name a field, e.g. /password`
      : undefined;
  }
  if (!pointer.startsWith('/')) {
    // `password`, `user.card.number`, `$.items[*].token` (JSONPath): say the pointer meant.
    const meant = pointer.includes('/')
      ? undefined
      : pointer
          .replace(/^\$\.?/, '')
          .replace(/\[(\w+|\*)\]/g, '.$1')
          .split('.')
          .filter((s) => s !== '')
          .join('/');
    const hint = meant ? ` — write "/${meant}"` : ' (e.g. /items/*/id)';
    return `"${pointer}" is not a JSON pointer: it must start with "/"${hint}`;
  }
  if (options.strict === false) return undefined;
  if (pointer.endsWith('/'))
    return `"${pointer}" ends with "/": name the field, e.g. /user/password`;
  for (const segment of pointer.slice(1).split('/')) {
    if (/~(?![01])/.test(segment)) {
      return `"${pointer}": "~" must be written "~0" (and a "/" inside a key "~1")`;
    }
    if (segment === '**') {
      return `"${pointer}": "**" is not a JSON pointer segment; "*" stands for one key or index at each level (/items/*/id)`;
    }
  }
  return undefined;
}

/**
 * Compiles a pointer pattern. A bad one throws ConfigError naming `key`
 * (`tap.redact.jsonPaths[0]: "password" is not a JSON pointer ...`), so a typo fails at start-up
 * instead of silently matching nothing.
 */
export function compileJsonPointer(
  pointer: string,
  key: string,
  options: PointerOptions = {},
): PointerPattern {
  const problem = jsonPointerProblem(pointer, options);
  if (problem !== undefined) throw new ConfigError('ERR_CONFIG_INVALID', `${key}: ${problem}`);
  return splitPointer(pointer).map((s) => (s === '*' ? ANY : s));
}
