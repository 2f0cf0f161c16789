import { TAP_RECORD_VERSION } from '@shadowdiff/contracts';
import type { Headers, Role, TapRecord } from '@shadowdiff/contracts';
import { appendHeader } from '../http/headers.js';
import type { HarEntry } from './har-format.js';

export interface HarRecordContext {
  traceId: string;
  role: Role;
  service: string;
  tapId: string;
  /** File name and entry index, kept in `meta` so a verdict leads back to the HAR entry. */
  file: string;
  index: number;
  /** Body bytes kept per side. Default 1 MiB. */
  maxBodyBytes?: number;
  /** How the pair was found, for `meta`. */
  pairedBy: string;
}

function headerMap(list: { name: string; value: string }[]): Headers {
  const headers: Headers = {};
  for (const { name, value } of list) appendHeader(headers, name, value);
  return headers;
}

function bytesOf(text: string | undefined, encoding: string | undefined): Uint8Array {
  if (text === undefined) return new Uint8Array(0);
  return Buffer.from(text, encoding?.toLowerCase() === 'base64' ? 'base64' : 'utf8');
}

function capped(body: Uint8Array, declaredSize: number, max: number) {
  const size = Math.max(body.byteLength, declaredSize);
  return {
    body: body.byteLength > max ? body.subarray(0, max) : body,
    bodySize: size,
    bodyTruncated: body.byteLength > max || size > body.byteLength,
  };
}

/**
 * What the browser did not capture of an entry it aborted (Chromium: `response._failureText` or
 * DevTools' `_error`, `content.size: -1`, no `content.text`): `response` when no response came at
 * all (status 0 / -1) — nothing to judge, the import leaves the entry out —, `body` when the status
 * and headers came but the body did not — judged without its body, like a truncated one. The
 * reason is the browser's text (`net::ERR_ABORTED`, ...).
 */
export function captureGap(
  entry: HarEntry,
): { missing: 'response' | 'body'; reason: string } | undefined {
  const response = entry.response;
  const failure = response._failureText ?? response._error;
  const reason = failure !== undefined && failure !== '' ? failure : undefined;
  if (response.status <= 0) {
    return reason !== undefined || response.status < 0
      ? { missing: 'response', reason: reason ?? 'no response recorded' }
      : undefined;
  }
  if (response.content.text !== undefined) return undefined;
  if (reason !== undefined || response.content.size === -1) {
    return { missing: 'body', reason: reason ?? 'content.size -1 and no content.text' };
  }
  return undefined;
}

/**
 * One HAR entry as one TapRecord half. HAR bodies are already decoded (`content.text` is what the
 * browser rendered), so records carry no `contentEncoding` whatever the headers say; a body the
 * HAR left out (`size` > 0, no `text`) is flagged truncated; status 0 (no response) becomes an
 * upstream error, as a tap would record a refused connection. A body the browser aborted
 * (`captureGap` says `body`) is flagged truncated, so the worker does not judge it, and
 * `meta['har.body']` says `not captured: <reason>`.
 */
export function harEntryToRecord(entry: HarEntry, ctx: HarRecordContext): TapRecord {
  const max = ctx.maxBodyBytes ?? 1_048_576;
  const url = new URL(entry.request.url);
  const requestBody = bytesOf(entry.request.postData?.text, entry.request.postData?.encoding);
  const record: TapRecord = {
    v: TAP_RECORD_VERSION,
    traceId: ctx.traceId,
    role: ctx.role,
    service: ctx.service,
    tapId: ctx.tapId,
    capturedAt: Date.parse(entry.startedDateTime),
    durationMs: Math.max(0, entry.time),
    request: {
      method: entry.request.method.toUpperCase(),
      url: `${url.pathname}${url.search}`,
      headers: headerMap(entry.request.headers),
      ...capped(requestBody, 0, max),
    },
    meta: {
      source: 'har',
      'har.file': ctx.file,
      'har.entry': String(ctx.index),
      'har.pairedBy': ctx.pairedBy,
    },
  };
  if (entry.response.status === 0) {
    record.error = { kind: 'other', message: 'no response in the HAR (status 0)' };
    return record;
  }
  const content = entry.response.content;
  const responseBody = bytesOf(content.text, content.encoding);
  record.response = {
    status: entry.response.status,
    headers: headerMap(entry.response.headers),
    ...capped(responseBody, content.text === undefined ? (content.size ?? 0) : 0, max),
  };
  const gap = captureGap(entry);
  if (gap?.missing === 'body') {
    record.response.bodyTruncated = true;
    record.meta = { ...record.meta, 'har.body': `not captured: ${gap.reason}` };
  }
  return record;
}
