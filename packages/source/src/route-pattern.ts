/**
 * Path patterns for the mirror policy: `{name}` and `*` match one path segment (`*` may also sit
 * inside a segment, as in `/static/*.js`), `**` matches any rest including `/`. Everything else is
 * literal. Matching is on the path only, without the query string.
 */
export type PathMatcher = (path: string) => boolean;

const SPECIAL = /[.+?^${}()|[\]\\]/g;

export function compilePathPattern(pattern: string): PathMatcher {
  let source = '';
  for (let i = 0; i < pattern.length;) {
    if (pattern.startsWith('**', i)) {
      source += '.*';
      i += 2;
    } else if (pattern[i] === '*') {
      source += '[^/]*';
      i += 1;
    } else if (pattern[i] === '{') {
      const close = pattern.indexOf('}', i);
      if (close < 0) {
        source += '\\{';
        i += 1;
      } else {
        source += '[^/]+';
        i = close + 1;
      }
    } else {
      source += (pattern[i] as string).replace(SPECIAL, '\\$&');
      i += 1;
    }
  }
  const regex = new RegExp(`^${source}$`);
  return (path) => regex.test(path);
}

/** One matcher for a list of patterns (any matches); `undefined` for an empty list. */
export function compilePathPatterns(patterns: readonly string[]): PathMatcher | undefined {
  if (patterns.length === 0) return undefined;
  const matchers = patterns.map(compilePathPattern);
  return (path) => matchers.some((m) => m(path));
}

/** `METHOD /path` (method optional) as used by `writeRoutes`. */
export interface RoutePattern {
  method?: string;
  matches: PathMatcher;
}

export function compileRoutePattern(route: string): RoutePattern {
  const trimmed = route.trim();
  const space = trimmed.indexOf(' ');
  if (space > 0 && !trimmed.startsWith('/')) {
    return {
      method: trimmed.slice(0, space).toUpperCase(),
      matches: compilePathPattern(trimmed.slice(space + 1).trim()),
    };
  }
  return { matches: compilePathPattern(trimmed) };
}

/** The path part of a request target (`/a/b?x=1` -> `/a/b`). */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Anything `normalizePath` would change: a percent escape, a dot segment, an empty segment. */
const NEEDS_NORMALIZING = /%|\/\.|\/\//;
const UNRESERVED_ESCAPE = /%(2[dDeE]|3\d|[46][1-9a-fA-F]|[57][0-9aA]|5[fF]|7[eE])/g;

/**
 * The path as the service will route it, for the mirror policy: escapes of unreserved characters
 * decoded (`%61dmin` is `admin`, RFC 3986 §6.2.2.2), dot segments removed (`/a/./b`, `/a/x/../b`,
 * §5.2.4), and runs of `/` merged (as nginx's merge_slashes does). Without it an `exclude` glob
 * could be stepped round by spelling the same route differently. Other escapes (`%2F`) stay as
 * they are: servers disagree on them. The recorded request keeps the target as it came.
 */
export function normalizePath(path: string): string {
  if (!path.startsWith('/') || !NEEDS_NORMALIZING.test(path)) return path;
  const decoded = path.replace(UNRESERVED_ESCAPE, (e) =>
    String.fromCharCode(parseInt(e.slice(1), 16)),
  );
  const out: string[] = [];
  const segments = decoded.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] as string;
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '') {
      if (last) out.push('');
    } else if (segment === '..') {
      out.pop();
      if (last) out.push('');
    } else {
      out.push(segment);
    }
  }
  return `/${out.join('/')}`;
}
