import { ANY, compileJsonPointer } from '@shadowdiff/contracts';
import type { PointerPattern } from '@shadowdiff/contracts';

/**
 * A `tap.redact.jsonPaths` entry: the config's one JSON-pointer compiler (RFC 6901, `*` for every
 * key of an object or index of an array). A bad entry throws ConfigError naming `key` — a typo
 * must not silently redact nothing.
 */
export function parseJsonPointer(pointer: string, key = 'tap.redact.jsonPaths'): PointerPattern {
  return compileJsonPointer(pointer, key, { root: false });
}

type Json = unknown;

/**
 * Replaces every value a pointer reaches with `replace(value)`, in place. Returns how many values
 * were replaced (0 when the pointer reaches nothing).
 */
export function replaceAtPointer(
  root: Json,
  pointer: PointerPattern,
  replace: (value: Json) => Json,
): number {
  if (pointer.length === 0) return 0; // the whole document is never replaced by a path rule
  return walk(root, pointer, 0, replace);
}

function walk(
  node: Json,
  pointer: PointerPattern,
  at: number,
  replace: (value: Json) => Json,
): number {
  if (typeof node !== 'object' || node === null) return 0;
  const segment = pointer[at] as string | typeof ANY;
  const last = at === pointer.length - 1;
  let count = 0;
  if (Array.isArray(node)) {
    const indices =
      segment === ANY ? node.keys() : /^(0|[1-9]\d*)$/.test(segment) ? [Number(segment)] : [];
    for (const i of indices) {
      if (i >= node.length) continue;
      if (last) {
        node[i] = replace(node[i]);
        count += 1;
      } else {
        count += walk(node[i], pointer, at + 1, replace);
      }
    }
    return count;
  }
  const object = node as Record<string, Json>;
  const keys =
    segment === ANY ? Object.keys(object) : Object.hasOwn(object, segment) ? [segment] : [];
  for (const key of keys) {
    if (last) {
      object[key] = replace(object[key]);
      count += 1;
    } else {
      count += walk(object[key], pointer, at + 1, replace);
    }
  }
  return count;
}
