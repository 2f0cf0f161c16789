import jsonPatch from 'fast-json-patch';
import type { DiffCollector } from './collector.js';
import { OpLocator } from './op-locator.js';
import { preview } from './preview.js';
import { scalarNoise } from './scalar-noise.js';
import type { DiffScope } from './scalar-noise.js';

/** JSON type names; a change between them is a type change (`major`). */
export type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

const NO_SEGMENTS: readonly string[] = [];

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

function reportReplace(
  path: string,
  key: string,
  segments: readonly string[],
  a: unknown,
  b: unknown,
  scope: DiffScope,
  out: DiffCollector,
): void {
  if (jsonType(a) !== jsonType(b)) {
    if (out.has('body', 'type', path)) return;
    out.diff({
      kind: 'body',
      path,
      op: 'type',
      severity: 'major',
      primary: preview(a),
      shadow: preview(b),
    });
    return;
  }
  const reason = scalarNoise(a, b, key, segments, scope);
  if (reason !== undefined) {
    out.suppress('body', path, reason);
    return;
  }
  if (out.has('body', 'replace', path)) return;
  out.diff({
    kind: 'body',
    path,
    op: 'replace',
    severity: 'minor',
    primary: preview(a),
    shadow: preview(b),
  });
}

/**
 * Diffs two normalized JSON documents with fast-json-patch `compare`, then turns each operation
 * into a finding: `remove` → major, `add` → info, `replace` across JSON types → `type` major,
 * other `replace` → minor unless a volatile detector or tolerance explains it (then suppressed).
 * Operations at or under an ignored pointer are suppressed with reason `rule`.
 */
export function diffJson(a: unknown, b: unknown, scope: DiffScope, out: DiffCollector): void {
  if (a === b) return;
  const ignore = scope.rule?.ignore ?? [];
  // compare() only walks containers of the same shape; a root of another type or a scalar root
  // is a single replace at the root pointer.
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) {
    if (ignore.some((p) => p.length === 0)) {
      out.suppress('body', '', 'rule');
      return;
    }
    reportReplace('', '', [], a, b, scope, out);
    return;
  }
  const ops = jsonPatch.compare(a, b);
  const tolerance = scope.rule?.tolerance.length ?? 0;
  const locator = new OpLocator(a, scope.rule?.arrays.some((r) => r.mode.kind === 'key') ?? false);
  for (const op of ops) {
    locator.locate(op.path);
    const path = locator.path;
    if (ignore.length > 0 && locator.underAny(ignore)) {
      out.suppress('body', path, 'rule');
      continue;
    }
    switch (op.op) {
      case 'remove':
        if (!out.has('body', 'remove', path)) {
          const primary = preview(locator.value);
          out.diff({ kind: 'body', path, op: 'remove', severity: 'major', primary });
        }
        break;
      case 'add':
        if (!out.has('body', 'add', path)) {
          out.diff({ kind: 'body', path, op: 'add', severity: 'info', shadow: preview(op.value) });
        }
        break;
      case 'replace': {
        const segments = tolerance > 0 ? locator.segments() : NO_SEGMENTS;
        reportReplace(path, locator.key, segments, locator.value, op.value, scope, out);
        break;
      }
      default:
        // compare() emits only add/remove/replace (and `test` when invertible, which we don't ask for).
        break;
    }
  }
}
