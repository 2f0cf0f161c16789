import { decodeTapRecord } from '@shadowdiff/contracts';
import type { DiffEntry, Role, SuppressedEntry, TapRecord, Verdict } from '@shadowdiff/contracts';
import { decodeBody, normalizeBody } from '@shadowdiff/engine';
import type { ExamplePair } from '@shadowdiff/engine';

/** Most characters of one body shown; the rest is cut with a note (the tap may have cut too). */
export const MAX_BODY_CHARS = 256 * 1024;

export type BodyView =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string; cut: boolean }
  | { kind: 'binary'; size: number; sha256: string };

export interface BodyFacts {
  /** Size on the wire; larger than captured when the tap truncated. */
  size: number;
  captured: number;
  truncated: boolean;
  contentEncoding?: string;
  /** Why the body could not be decoded (unknown content-encoding, corrupt stream). */
  decodeError?: string;
  /** `redacted` / `withheld` when the tap's body redaction touched it (from record meta). */
  redaction?: string;
}

export interface SideView {
  role: Role;
  tapId: string;
  capturedAt: number;
  durationMs: number;
  request: { method: string; url: string; headers: Record<string, string> };
  /** Null when the upstream gave no response (see `error`). */
  status: number | null;
  error?: { kind: string; message: string };
  headers: Record<string, string>;
  body: BodyView;
  bodyFacts: BodyFacts;
  meta: Record<string, string>;
}

export interface ExampleView {
  traceId: string;
  service: string;
  route: string;
  outcome: Verdict['outcome'];
  decidedAt: number;
  missingRoles: Role[];
  diffs: DiffEntry[];
  suppressed: SuppressedEntry[];
  /** By role; a half that would not decode is listed in `undecodable` instead. */
  sides: Partial<Record<Role, SideView>>;
  undecodable: { role: Role; reason: string }[];
}

function bodyView(
  record: TapRecord,
  part: 'request' | 'response',
): { body: BodyView; facts: BodyFacts } {
  const captured = part === 'response' ? record.response : record.request;
  const redaction =
    record.meta?.[part === 'response' ? 'responseBodyRedaction' : 'requestBodyRedaction'];
  if (!captured)
    return { body: { kind: 'empty' }, facts: { size: 0, captured: 0, truncated: false } };
  const facts: BodyFacts = {
    size: captured.bodySize,
    captured: captured.body.byteLength,
    truncated: captured.bodyTruncated,
    ...(captured.contentEncoding !== undefined
      ? { contentEncoding: captured.contentEncoding }
      : {}),
    ...(redaction !== undefined ? { redaction } : {}),
  };
  if (captured.body.byteLength === 0) return { body: { kind: 'empty' }, facts };
  const decoded = decodeBody(
    captured.body,
    captured.contentEncoding,
    captured.headers['content-type'],
  );
  if (decoded.error !== undefined) facts.decodeError = decoded.error;
  const normalized = normalizeBody(decoded);
  switch (normalized.kind) {
    case 'json':
      return { body: { kind: 'json', value: normalized.value }, facts };
    case 'text': {
      const cut = normalized.text.length > MAX_BODY_CHARS;
      return {
        body: {
          kind: 'text',
          text: cut ? normalized.text.slice(0, MAX_BODY_CHARS) : normalized.text,
          cut,
        },
        facts,
      };
    }
    case 'binary':
      return { body: { kind: 'binary', size: normalized.size, sha256: normalized.hash }, facts };
    default: {
      const never: never = normalized;
      throw new Error(`unknown body kind ${JSON.stringify(never)}`);
    }
  }
}

function sideView(record: TapRecord): SideView {
  const { body, facts } = bodyView(record, 'response');
  return {
    role: record.role,
    tapId: record.tapId,
    capturedAt: record.capturedAt,
    durationMs: record.durationMs,
    request: {
      method: record.request.method,
      url: record.request.url,
      headers: record.request.headers,
    },
    status: record.response?.status ?? null,
    ...(record.error ? { error: { kind: record.error.kind, message: record.error.message } } : {}),
    headers: record.response?.headers ?? {},
    body,
    bodyFacts: facts,
    meta: record.meta ?? {},
  };
}

/**
 * Decodes a stored example for display: each half's TapRecord, its response body with the
 * content-encoding removed and classified (JSON / text / binary) the way the engine compared it.
 * Bodies are as the tap redacted them; nothing here sees anything the tap did not publish.
 */
export function exampleView(example: ExamplePair, route: string): ExampleView {
  const { verdict } = example;
  const sides: ExampleView['sides'] = {};
  const undecodable: ExampleView['undecodable'] = [];
  for (const [role, bytes] of Object.entries(example.halves) as [Role, Uint8Array][]) {
    const decoded = decodeTapRecord(bytes);
    if (decoded.ok) sides[role] = sideView(decoded.value);
    else undecodable.push({ role, reason: `${decoded.error.code}: ${decoded.error.message}` });
  }
  return {
    traceId: verdict.traceId,
    service: verdict.service,
    route,
    outcome: verdict.outcome,
    decidedAt: verdict.decidedAt,
    missingRoles: verdict.missingRoles ?? [],
    diffs: verdict.diffs,
    suppressed: verdict.suppressed,
    sides,
    undecodable,
  };
}

/** Collects the tap facts of a decoded half (for the report's source section). */
export function tapFacts(
  bytes: Uint8Array,
): { tapId: string; role: Role; meta: Record<string, string> } | undefined {
  const decoded = decodeTapRecord(bytes);
  if (!decoded.ok) return undefined;
  return { tapId: decoded.value.tapId, role: decoded.value.role, meta: decoded.value.meta ?? {} };
}
