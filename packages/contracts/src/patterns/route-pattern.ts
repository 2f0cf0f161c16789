/**
 * The one route-pattern language of the config file, used by `rules.routes[].route` and by
 * `tap.mirror.include`, `exclude` and `writeRoutes`:
 *
 * - `[METHOD ]/path`; the method (or `*`) is optional where a method makes sense;
 * - `{name}` matches one path segment (`/orders/{id}`), also inside a segment (`/files/{id}.json`);
 * - `*` matches one segment (`/static/*`), or part of one (`/static/*.js`);
 * - `**`, a whole segment, matches zero or more segments (`/admin/**` is `/admin` and below);
 * - everything else is literal. Paths match segment by segment: empty segments (`//`, a trailing
 *   `/`) are ignored, and the query string is not part of the path.
 *
 * Until "One route-pattern language" (packages/contracts/README.md, version notes) a trailing `*` in
 * `rules.routes[].route` matched any rest: write `**` for that now.
 */
import { ConfigError } from '../errors.js';

/** One segment of a compiled pattern. */
type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'one' }
  | { readonly kind: 'glob'; readonly regex: RegExp }
  | { readonly kind: 'rest' };

/** A compiled route or path pattern. */
export interface RoutePattern {
  /** Upper-case method; undefined when the pattern has none (or `*`): any method. */
  readonly method: string | undefined;
  /** The path part, normalised (`/orders/{id}/**`, no empty segments); `/` for the root. */
  readonly path: string;
  /** Whether a request path, given as its non-empty segments, matches. */
  matchesSegments(segments: readonly string[]): boolean;
  /** Whether a request path (`/a/b`, without query) matches. */
  matchesPath(path: string): boolean;
  /** Whether a request matches: the method (upper case) and the path's segments. */
  matches(method: string, segments: readonly string[]): boolean;
}

/** A pattern the language does not accept; `message` says what is wrong and how to write it. */
export interface PatternProblem {
  readonly message: string;
}

const METHOD = /^(?:[A-Z]{1,16}|\*)$/;
const SPECIAL = /[.+?^${}()|[\]\\]/g;
const ONE_SEGMENT = '[^/]+';

/** The non-empty segments of a path (`/a//b/` -> `['a', 'b']`); the query is not stripped here. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function compileSegment(part: string, text: string): Segment | PatternProblem {
  if (part === '**') return { kind: 'rest' };
  if (part.includes('**')) {
    return { message: `"${text}": "**" must be a whole segment, e.g. /static/**` };
  }
  if (part === '*') return { kind: 'one' };
  if (/[?#]/.test(part)) {
    return { message: `"${text}": a pattern matches the path only; leave out "?" and "#"` };
  }
  if (!part.includes('*') && !part.includes('{') && !part.includes('}')) {
    return { kind: 'literal', text: part };
  }
  let source = '';
  let onlyParam = true;
  for (let i = 0; i < part.length;) {
    const c = part[i] as string;
    if (c === '*') {
      source += '[^/]*';
      onlyParam = false;
      i += 1;
    } else if (c === '{') {
      const close = part.indexOf('}', i);
      if (close < 0 || close === i + 1 || part.slice(i + 1, close).includes('{')) {
        return { message: `"${text}": "{" needs a name and a closing "}", e.g. /orders/{id}` };
      }
      source += ONE_SEGMENT;
      i = close + 1;
    } else if (c === '}') {
      return { message: `"${text}": "}" without "{"` };
    } else {
      source += c.replace(SPECIAL, '\\$&');
      onlyParam = false;
      i += 1;
    }
  }
  if (onlyParam && source === ONE_SEGMENT) return { kind: 'one' };
  return { kind: 'glob', regex: new RegExp(`^${source}$`) };
}

function matchFrom(
  pattern: readonly Segment[],
  p: number,
  segments: readonly string[],
  s: number,
): boolean {
  for (; p < pattern.length; p++, s++) {
    const seg = pattern[p] as Segment;
    if (seg.kind === 'rest') {
      if (p === pattern.length - 1) return true;
      for (let k = s; k <= segments.length; k++) {
        if (matchFrom(pattern, p + 1, segments, k)) return true;
      }
      return false;
    }
    if (s >= segments.length) return false;
    const value = segments[s] as string;
    if (seg.kind === 'literal' ? seg.text !== value : seg.kind === 'glob' && !seg.regex.test(value))
      return false;
  }
  return s === segments.length;
}

/**
 * Compiles a pattern, or says why it is not one. `allowMethod: false` is for path-only lists
 * (`tap.mirror.include`, `exclude`).
 */
export function tryCompileRoutePattern(
  text: string,
  options: { allowMethod?: boolean } = {},
): RoutePattern | PatternProblem {
  const trimmed = text.trim();
  const space = trimmed.search(/\s/);
  const rawMethod =
    space < 0 || trimmed.startsWith('/') ? undefined : trimmed.slice(0, space).toUpperCase();
  const rawPath = (rawMethod === undefined ? trimmed : trimmed.slice(space + 1)).trim();
  const example = options.allowMethod === false ? '"/admin/**"' : '"GET /orders/{id}"';
  if (!rawPath.startsWith('/')) {
    const shape = options.allowMethod === false ? '/path' : '[METHOD ]/path';
    return { message: `"${text}" must be "${shape}", e.g. ${example}` };
  }
  if (rawMethod !== undefined) {
    if (options.allowMethod === false) {
      return { message: `"${text}": a path pattern takes no method, e.g. ${example}` };
    }
    if (!METHOD.test(rawMethod))
      return { message: `"${text}" has an invalid method "${rawMethod}"` };
  }
  const parts = splitPath(rawPath);
  const segments: Segment[] = [];
  for (const part of parts) {
    const segment = compileSegment(part, text);
    if ('message' in segment) return segment;
    // `**/**` is `**`: keeping one avoids needless backtracking.
    if (segment.kind === 'rest' && segments.at(-1)?.kind === 'rest') continue;
    segments.push(segment);
  }
  const method = rawMethod === '*' ? undefined : rawMethod;
  const matchesSegments = (request: readonly string[]): boolean =>
    matchFrom(segments, 0, request, 0);
  return {
    method,
    path: '/' + parts.join('/'),
    matchesSegments,
    matchesPath: (path) => matchesSegments(splitPath(path)),
    matches: (m, request) => (method === undefined || method === m) && matchesSegments(request),
  };
}

/** Whether {@link tryCompileRoutePattern} refused the pattern. */
export function isPatternProblem(value: RoutePattern | PatternProblem): value is PatternProblem {
  return 'message' in value;
}

/**
 * Compiles a configured pattern; a bad one throws ConfigError naming `key`
 * (`tap.mirror.exclude[1]: "/admin**" ...`) so it fails at start-up, not silently at run time.
 */
export function compileRoutePattern(
  text: string,
  key: string,
  options: { allowMethod?: boolean } = {},
): RoutePattern {
  const compiled = tryCompileRoutePattern(text, options);
  if (isPatternProblem(compiled)) {
    throw new ConfigError('ERR_CONFIG_INVALID', `${key}: ${compiled.message}`);
  }
  return compiled;
}
