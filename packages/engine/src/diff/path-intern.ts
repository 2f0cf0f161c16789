import { escapeSegment } from '../normalize/json-pointer.js';
import { isIdLike } from '../normalize/value-kind.js';

/**
 * Distinct statistics paths remembered before the table starts over. Paths repeat across the
 * pairs of a route, so a few thousand cover a service; the bound only guards against documents
 * whose keys are data (a map keyed by names) growing it without end.
 */
export const PATH_INTERN_LIMIT = 50_000;

const table = new Map<string, Map<string, string>>();
let size = 0;

/**
 * The statistics path of `segment` under `parent` (an interned path, `''` for the root): `*` for
 * array elements and key-matched members (pass `'*'`) and for id-like object keys, else the
 * escaped key. A memo shared by all pairs: the result depends only on the arguments, and one
 * string per distinct path means map lookups on it hit a cached hash and the id check runs once
 * per key instead of once per finding.
 */
export function childPath(parent: string, segment: string): string {
  let children = table.get(parent);
  if (children === undefined) {
    if (size >= PATH_INTERN_LIMIT) {
      table.clear();
      size = 0;
    }
    children = new Map();
    table.set(parent, children);
  }
  let path = children.get(segment);
  if (path === undefined) {
    const star = segment === '*' || isIdLike(segment);
    path = parent + '/' + (star ? '*' : escapeSegment(segment));
    children.set(segment, path);
    size++;
  }
  return path;
}
