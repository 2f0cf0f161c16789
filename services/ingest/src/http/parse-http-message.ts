import type { Headers } from '@shadowdiff/contracts';
import { appendHeader, contentEncodingOf } from './headers.js';

/** Bytes of a captured body, as a TapRecord carries them. */
export interface ParsedBody {
  /** De-chunked body bytes (content-encoding untouched), at most the capture cap. */
  body: Uint8Array;
  /** Size of the whole body: Content-Length, else the bytes seen. */
  bodySize: number;
  /** Cut by the capture cap, or the capture itself ended before the body did. */
  bodyTruncated: boolean;
  contentEncoding?: string;
}

export interface ParsedRequest extends ParsedBody {
  method: string;
  /** Origin-form target: path and query (absolute-form targets are reduced to it). */
  url: string;
  headers: Headers;
}

export interface ParsedResponse extends ParsedBody {
  status: number;
  headers: Headers;
}

export type HttpParse<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface HttpParseOptions {
  /** Body bytes kept; the rest is counted in bodySize and flagged. Default 1 MiB (tap default). */
  maxBodyBytes?: number;
}

interface Head {
  startLine: string;
  headers: Headers;
  bodyStart: number;
}

const CR = 0x0d;
const LF = 0x0a;
const latin1 = new TextDecoder('latin1');

/** Index just past the blank line ending the head; tolerates bare LF line ends. */
function headEnd(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== LF) continue;
    if (bytes[i + 1] === LF) return i + 2;
    if (bytes[i + 1] === CR && bytes[i + 2] === LF) return i + 3;
  }
  return -1;
}

function parseHead(bytes: Uint8Array): HttpParse<Head> {
  const end = headEnd(bytes);
  // A head cut short still has a start line and whatever headers arrived; the body is empty.
  const headBytes = bytes.subarray(0, end < 0 ? bytes.length : end);
  // Header bytes are ISO-8859-1 by RFC 9110; latin1 keeps every byte as one character.
  const lines = latin1.decode(headBytes).split(/\r?\n/);
  const startLine = lines.shift() ?? '';
  if (startLine.trim() === '') return { ok: false, reason: 'empty HTTP message (no start line)' };
  const headers: Headers = {};
  let last: string | undefined;
  for (const line of lines) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      // obs-fold: a continuation of the previous header's value.
      headers[last] = `${headers[last]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, reason: `malformed header line "${line.slice(0, 80)}"` };
    const name = line.slice(0, colon).trim().toLowerCase();
    appendHeader(headers, name, line.slice(colon + 1).trim());
    last = name;
  }
  return { ok: true, value: { startLine, headers, bodyStart: end < 0 ? bytes.length : end } };
}

function isChunked(headers: Headers): boolean {
  const te = headers['transfer-encoding'];
  if (te === undefined) return false;
  const codings = te.toLowerCase().split(',');
  return codings[codings.length - 1]?.trim() === 'chunked';
}

/** De-chunks a chunked body. `complete` is false when the capture ends before the last chunk. */
function dechunk(bytes: Uint8Array): { body: Uint8Array; complete: boolean } | { error: string } {
  const parts: Uint8Array[] = [];
  let size = 0;
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf(LF, at);
    if (lineEnd < 0) return { body: concat(parts, size), complete: false };
    const sizeLine = latin1.decode(bytes.subarray(at, lineEnd)).replace(/\r$/, '');
    // Chunk extensions (";name=value") are allowed and ignored.
    const hex = sizeLine.split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]+$/.test(hex))
      return { error: `bad chunk size line "${sizeLine.slice(0, 40)}"` };
    const chunkSize = Number.parseInt(hex, 16);
    at = lineEnd + 1;
    if (chunkSize === 0) return { body: concat(parts, size), complete: true }; // trailers ignored
    const available = Math.min(chunkSize, bytes.length - at);
    parts.push(bytes.subarray(at, at + available));
    size += available;
    if (available < chunkSize) return { body: concat(parts, size), complete: false };
    at += chunkSize;
    // The CRLF after the chunk data.
    if (bytes[at] === CR) at++;
    if (bytes[at] === LF) at++;
    else if (at >= bytes.length) return { body: concat(parts, size), complete: false };
    else return { error: 'chunk data not followed by CRLF' };
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** How a message's body is delimited (RFC 9112 §6.3). */
export type BodyFraming =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'close' }
  | { kind: 'invalid'; reason: string };

/**
 * Frames the body per RFC 9112 §6.3: chunked wins over Content-Length; a request with neither has
 * no body; a response with neither runs to the end of the connection. `bodyless` covers responses
 * to HEAD and 1xx/204/304. Shared by the whole-message parsers here and the streaming framer of the
 * VPC ingest, so both read a message the same way.
 */
export function bodyFraming(
  headers: Headers,
  kind: 'request' | 'response',
  bodyless: boolean,
): BodyFraming {
  if (bodyless) return { kind: 'none' };
  if (isChunked(headers)) return { kind: 'chunked' };
  if (headers['content-length'] !== undefined) {
    // Repeated identical Content-Length values ("12, 12") are allowed; differing ones are not.
    const values = new Set(headers['content-length'].split(',').map((v) => v.trim()));
    const [only] = [...values];
    if (values.size !== 1 || only === undefined || !/^\d+$/.test(only)) {
      return { kind: 'invalid', reason: `bad content-length "${headers['content-length']}"` };
    }
    return { kind: 'length', length: Number(only) };
  }
  return kind === 'request' ? { kind: 'none' } : { kind: 'close' };
}

/** Whether a response to `requestMethod` with `status` can carry a body at all. */
export function isBodylessResponse(requestMethod: string | undefined, status: number): boolean {
  return (
    requestMethod?.toUpperCase() === 'HEAD' ||
    (status >= 100 && status < 200) ||
    status === 204 ||
    status === 304
  );
}

function frameBody(
  bytes: Uint8Array,
  head: Head,
  kind: 'request' | 'response',
  bodyless: boolean,
  maxBodyBytes: number,
): HttpParse<ParsedBody> {
  const rest = bytes.subarray(head.bodyStart);
  let body: Uint8Array;
  let bodySize: number;
  let incomplete = false;
  const framing = bodyFraming(head.headers, kind, bodyless);
  switch (framing.kind) {
    case 'invalid':
      return { ok: false, reason: framing.reason };
    case 'none':
      body = new Uint8Array(0);
      bodySize = 0;
      break;
    case 'chunked': {
      const result = dechunk(rest);
      if ('error' in result) return { ok: false, reason: result.error };
      body = result.body;
      bodySize = body.length;
      incomplete = !result.complete;
      break;
    }
    case 'length':
      bodySize = framing.length;
      body = rest.subarray(0, bodySize);
      incomplete = body.length < bodySize;
      break;
    case 'close':
      body = rest;
      bodySize = rest.length;
      break;
  }
  const capped = body.length > maxBodyBytes;
  const encoding = contentEncodingOf(head.headers);
  return {
    ok: true,
    value: {
      body: capped ? body.subarray(0, maxBodyBytes) : body,
      bodySize,
      bodyTruncated: capped || incomplete,
      ...(encoding !== undefined ? { contentEncoding: encoding } : {}),
    },
  };
}

/** `http://host/a?b` -> `/a?b`; `*` and origin-form targets stay as they are. */
function originForm(target: string): string {
  const match = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*(.*)$/.exec(target);
  if (!match) return target;
  const rest = match[1] ?? '';
  return rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
}

/** Parses raw HTTP/1.x request bytes (as GoReplay captures them). */
export function parseHttpRequest(
  bytes: Uint8Array,
  options: HttpParseOptions = {},
): HttpParse<ParsedRequest> {
  const head = parseHead(bytes);
  if (!head.ok) return head;
  const parts = head.value.startLine.split(' ');
  const [method, target, version] = parts;
  if (parts.length !== 3 || !method || !target || !/^HTTP\/\d(\.\d)?$/.test(version ?? '')) {
    return { ok: false, reason: `bad request line "${head.value.startLine.slice(0, 80)}"` };
  }
  const body = frameBody(bytes, head.value, 'request', false, options.maxBodyBytes ?? 1_048_576);
  if (!body.ok) return body;
  return {
    ok: true,
    value: { method, url: originForm(target), headers: head.value.headers, ...body.value },
  };
}

/** Parses raw HTTP/1.x response bytes; `requestMethod` decides whether a body can follow. */
export function parseHttpResponse(
  bytes: Uint8Array,
  requestMethod: string | undefined,
  options: HttpParseOptions = {},
): HttpParse<ParsedResponse> {
  const head = parseHead(bytes);
  if (!head.ok) return head;
  const match = /^HTTP\/\d(?:\.\d)? (\d{3})(?: .*)?$/.exec(head.value.startLine);
  if (!match)
    return { ok: false, reason: `bad status line "${head.value.startLine.slice(0, 80)}"` };
  const status = Number(match[1]);
  if (status < 100) return { ok: false, reason: `bad status code ${status}` };
  const bodyless = isBodylessResponse(requestMethod, status);
  const body = frameBody(
    bytes,
    head.value,
    'response',
    bodyless,
    options.maxBodyBytes ?? 1_048_576,
  );
  if (!body.ok) return body;
  return { ok: true, value: { status, headers: head.value.headers, ...body.value } };
}
