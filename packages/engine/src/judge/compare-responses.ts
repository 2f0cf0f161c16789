import { Buffer } from 'node:buffer';
import { statusClass } from '@shadowdiff/contracts';
import type { CapturedResponse } from '@shadowdiff/contracts';
import { DiffCollector } from '../diff/collector.js';
import type { DiffResult } from '../diff/collector.js';
import { collectBodyDiff } from '../diff/body-diff.js';
import { diffHeaders } from '../diff/header-diff.js';
import type { DiffScope } from '../diff/scalar-noise.js';
import { diffStatus } from '../diff/status-diff.js';
import { decodeBody, encodingOf } from '../normalize/decode-body.js';
import { normalizeBody } from '../normalize/normalize-body.js';
import type { NormalizedBody } from '../normalize/normalize-body.js';
import type { CompiledRouteRule, CompiledRules } from '../route/compile-rules.js';

/**
 * Path of the suppressed entry recorded when a body was not compared because a tap truncated it
 * (the Verdict v1 reasons have no `truncated`; `rule` is the body-cap rule of the tap).
 */
export const TRUNCATED_PATH = '(truncated)';

/**
 * Path of the suppressed entry recorded when a JSON body was compared as text because it is past
 * the engine's depth or size limits (`MAX_JSON_DEPTH`, `MAX_JSON_CHARS`): a hostile or absurd
 * document costs a string compare, and the verdict says its fields were not compared.
 */
export const JSON_LIMIT_PATH = '(json-limit)';

function view(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && view(a).equals(view(b));
}

/**
 * Bodies: when a side is truncated they are not compared (a cut-off body would look like drift,
 * and two equal prefixes prove nothing about what follows), and the verdict says so; raw bytes
 * equal under the same encoding end the comparison without decoding; decoded bytes equal (gzip on
 * one side only) end it without parsing; only then are the bodies normalized and diffed.
 */
function collectBodyBytes(
  a: CapturedResponse,
  b: CapturedResponse,
  scope: DiffScope,
  out: DiffCollector,
): void {
  if (a.bodyTruncated || b.bodyTruncated) {
    // Equal prefixes and equal sizes say nothing about the bytes past the cap: not compared.
    out.suppress('body', TRUNCATED_PATH, 'rule');
    return;
  }
  const encA = encodingOf(a);
  const encB = encodingOf(b);
  if (encA === encB && sameBytes(a.body, b.body)) return;
  const da = decodeBody(a.body, encA, a.headers['content-type']);
  const db = decodeBody(b.body, encB, b.headers['content-type']);
  if (da.error === undefined && db.error === undefined && da.bytes.equals(db.bytes)) return;
  const na = normalizeBody(da, scope.rule);
  const nb = normalizeBody(db, scope.rule);
  if (isJsonLimited(na) || isJsonLimited(nb)) out.suppress('body', JSON_LIMIT_PATH, 'rule');
  collectBodyDiff(na, nb, scope, out);
}

function isJsonLimited(body: NormalizedBody): boolean {
  return body.kind === 'text' && body.jsonLimit !== undefined;
}

/**
 * Status, allowlisted headers, then bodies. Bodies are skipped when the status class differs: a
 * 200 document and a 500 error page are different documents, and their field-level noise would
 * bury the one finding that matters (the critical status change).
 */
export function collectResponseDiff(
  a: CapturedResponse,
  b: CapturedResponse,
  scope: DiffScope,
  out: DiffCollector,
): void {
  diffStatus(a.status, b.status, out);
  diffHeaders(a.headers, b.headers, scope.rule?.headers ?? scope.rules.headers, out);
  if (statusClass(a.status) !== statusClass(b.status)) return;
  collectBodyBytes(a, b, scope, out);
}

/**
 * Compares two captured responses (primary vs shadow, or primary vs secondary for noise
 * learning). `rule` is the route's configured rule from `matchRoute`, if any.
 */
export function diffResponses(
  primary: CapturedResponse,
  other: CapturedResponse,
  rules: CompiledRules,
  rule?: CompiledRouteRule,
): DiffResult {
  const out = new DiffCollector();
  collectResponseDiff(primary, other, { rules, rule }, out);
  return out.result();
}
