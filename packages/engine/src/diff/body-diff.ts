import type { NormalizedBody } from '../normalize/normalize-body.js';
import type { CompiledRouteRule, CompiledRules } from '../route/compile-rules.js';
import { DiffCollector } from './collector.js';
import type { DiffResult } from './collector.js';
import { diffJson } from './json-diff.js';
import type { DiffScope } from './scalar-noise.js';
import { diffText } from './text-diff.js';

function describe(body: NormalizedBody): string {
  switch (body.kind) {
    case 'json':
      return 'json';
    case 'text':
      return body.text === '' ? 'empty' : 'text';
    case 'binary':
      return `binary sha256:${body.hash.slice(0, 16)} (${body.size} B)`;
  }
}

/** Writes the findings between two normalized bodies into `out` (see {@link diffBodies}). */
export function collectBodyDiff(
  a: NormalizedBody,
  b: NormalizedBody,
  scope: DiffScope,
  out: DiffCollector,
): void {
  if (a.kind === 'json' && b.kind === 'json') {
    diffJson(a.value, b.value, scope, out);
  } else if (a.kind === 'text' && b.kind === 'text') {
    if (a.text === '' || b.text === '') {
      if (a.text !== b.text) emptyDiff(a.text === '', out, a, b);
    } else {
      diffText(a.text, b.text, out);
    }
  } else if (a.kind === 'binary' && b.kind === 'binary') {
    if (a.hash !== b.hash) {
      out.diff({
        kind: 'body',
        path: '',
        op: 'replace',
        severity: 'minor',
        primary: describe(a),
        shadow: describe(b),
      });
    }
  } else if (isEmpty(a) || isEmpty(b)) {
    emptyDiff(isEmpty(a), out, a, b);
  } else {
    out.diff({
      kind: 'body',
      path: '',
      op: 'type',
      severity: 'major',
      primary: describe(a),
      shadow: describe(b),
    });
  }
}

function isEmpty(body: NormalizedBody): boolean {
  return body.kind === 'text' && body.text === '';
}

/** A body that appears is an addition (`info`); one that disappears a removal (`major`). */
function emptyDiff(
  primaryEmpty: boolean,
  out: DiffCollector,
  a: NormalizedBody,
  b: NormalizedBody,
): void {
  if (primaryEmpty) {
    out.diff({ kind: 'body', path: '', op: 'add', severity: 'info', shadow: describe(b) });
  } else {
    out.diff({ kind: 'body', path: '', op: 'remove', severity: 'major', primary: describe(a) });
  }
}

/**
 * Diffs two normalized bodies. JSON: per field (see `diffJson`); text: equality plus a line
 * summary; binary: hash; different kinds (JSON vs HTML error page): one `type` finding at the
 * body root (`''`). `rule` is the route's configured rule (from `matchRoute`), if any.
 */
export function diffBodies(
  primary: NormalizedBody,
  shadow: NormalizedBody,
  rules: CompiledRules,
  rule?: CompiledRouteRule,
): DiffResult {
  const out = new DiffCollector();
  collectBodyDiff(primary, shadow, { rules, rule }, out);
  return out.result();
}
