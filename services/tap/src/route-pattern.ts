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
