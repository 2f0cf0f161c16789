/**
 * Request paths as the mirror policy reads them. The patterns they are matched against are the
 * config's one route-pattern language (`compileRoutePattern` in @shadowdiff/contracts).
 */

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
