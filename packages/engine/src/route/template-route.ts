import { isIdLike } from '../normalize/value-kind.js';
import type { CompiledRouteRule, CompiledRules } from './compile-rules.js';

/** Segments past this depth are folded into one `*`: deep paths are rarely distinct routes. */
export const MAX_ROUTE_SEGMENTS = 12;
/** A segment this long is data (a slug, a token), not part of a route. */
export const MAX_LITERAL_SEGMENT = 64;

export interface RouteMatch {
  /** Templated route, e.g. `GET /orders/{id}`. */
  route: string;
  /** The configured rule whose pattern matched, if any. */
  rule: CompiledRouteRule | undefined;
}

function normaliseMethod(method: string): string {
  const m = method.toUpperCase();
  if (m.length === 0 || m.length > 16) return 'OTHER';
  for (let i = 0; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c < 65 || c > 90) return 'OTHER';
  }
  return m;
}

/** Path segments of a request target: scheme/authority, query and fragment dropped, empties skipped. */
export function pathSegments(url: string): string[] {
  let start = 0;
  if (url.charCodeAt(0) !== 47 /* / */) {
    const scheme = url.indexOf('://');
    if (scheme >= 0) {
      const slash = url.indexOf('/', scheme + 3);
      start = slash < 0 ? url.length : slash;
    }
  }
  let end = url.length;
  const q = url.indexOf('?', start);
  if (q >= 0) end = q;
  const h = url.indexOf('#', start);
  if (h >= 0 && h < end) end = h;
  const out: string[] = [];
  let from = start;
  for (let i = start; i <= end; i++) {
    if (i === end || url.charCodeAt(i) === 47) {
      if (i > from) out.push(url.slice(from, i));
      from = i + 1;
    }
  }
  return out;
}

/** `{id}` for id-like segments; `{id}.json` keeps a file extension; long segments are ids too. */
export function templateSegment(segment: string): string {
  if (segment.length > MAX_LITERAL_SEGMENT || segment.indexOf('@') >= 0) return '{id}';
  if (isIdLike(segment)) return '{id}';
  const dot = segment.lastIndexOf('.');
  if (dot > 0 && segment.length - dot <= 6 && isIdLike(segment.slice(0, dot))) {
    return '{id}' + segment.slice(dot);
  }
  return segment;
}

/**
 * The templated route and the configured rule for a request. Configured patterns win, in config
 * order; otherwise numeric, UUID, ULID, hex (>= 8 chars, with a digit) and random-token segments
 * become `{id}`. The query string is dropped. Cardinality stays bounded: segments past
 * {@link MAX_ROUTE_SEGMENTS} fold into `*`, segments over {@link MAX_LITERAL_SEGMENT} chars and
 * ones containing `@` become `{id}`, odd methods become `OTHER`. (The worker still caps distinct
 * routes in metrics for paths such as `/users/alice` that no heuristic can tell from a route.)
 */
export function matchRoute(method: string, url: string, rules: CompiledRules): RouteMatch {
  const m = normaliseMethod(method);
  const segments = pathSegments(url);
  for (const rule of rules.routes) {
    const p = rule.pattern;
    if (p.matches(m, segments)) return { route: `${p.method ?? m} ${p.path}`, rule };
  }
  let path = '';
  const n = Math.min(segments.length, MAX_ROUTE_SEGMENTS);
  for (let i = 0; i < n; i++) path += '/' + templateSegment(segments[i] as string);
  if (segments.length > MAX_ROUTE_SEGMENTS) path += '/*';
  return { route: `${m} ${path === '' ? '/' : path}`, rule: undefined };
}

/** `templateRoute('GET', '/orders/123?x=1', rules)` → `GET /orders/{id}`. See {@link matchRoute}. */
export function templateRoute(method: string, url: string, rules: CompiledRules): string {
  return matchRoute(method, url, rules).route;
}
