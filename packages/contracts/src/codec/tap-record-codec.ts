import { DecodeError } from '../errors.js';
import { TAP_RECORD_VERSION, tapRecordHeaderSchema } from '../tap-record.js';
import type { TapRecord, TapRecordHeader } from '../tap-record.js';
import type { Decoded } from './result.js';
import { isTapRecordHeader } from './tap-record-fast-check.js';
import { zodReason } from './zod-reason.js';

/**
 * Framed encoding of a TapRecord as a Kafka message value:
 *
 *   bytes 0-1  magic "SD"
 *   byte  2    frame version (1)
 *   byte  3    flags (0, reserved)
 *   bytes 4-7  header length H, uint32 big-endian
 *   H bytes    UTF-8 JSON metadata (TapRecordHeader: everything but the bodies, plus body lengths)
 *   ...        request body bytes, then response body bytes, raw
 *
 * Bodies travel as raw bytes: JSON-escaping or base64 would cost far more than the framing and
 * would not keep binary bodies byte for byte. Decoding slices the bodies without copying.
 */
export const FRAME_MAGIC_0 = 0x53; // 'S'
export const FRAME_MAGIC_1 = 0x44; // 'D'
export const FRAME_VERSION = 1;
const PRELUDE = 8;
const EMPTY = new Uint8Array(0);
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeTapRecord(record: TapRecord): Buffer {
  const header: TapRecordHeader = {
    v: record.v,
    traceId: record.traceId,
    role: record.role,
    service: record.service,
    tapId: record.tapId,
    capturedAt: record.capturedAt,
    durationMs: record.durationMs,
    request: {
      method: record.request.method,
      url: record.request.url,
      headers: record.request.headers,
      bodyLength: record.request.body.byteLength,
      bodySize: record.request.bodySize,
      bodyTruncated: record.request.bodyTruncated,
      ...(record.request.contentEncoding !== undefined
        ? { contentEncoding: record.request.contentEncoding }
        : {}),
    },
    ...(record.response
      ? {
          response: {
            status: record.response.status,
            headers: record.response.headers,
            bodyLength: record.response.body.byteLength,
            bodySize: record.response.bodySize,
            bodyTruncated: record.response.bodyTruncated,
            ...(record.response.contentEncoding !== undefined
              ? { contentEncoding: record.response.contentEncoding }
              : {}),
          },
        }
      : {}),
    ...(record.error ? { error: record.error } : {}),
    ...(record.meta ? { meta: record.meta } : {}),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const reqBody = record.request.body;
  const resBody = record.response?.body ?? EMPTY;
  const out = Buffer.allocUnsafe(PRELUDE + json.length + reqBody.byteLength + resBody.byteLength);
  out[0] = FRAME_MAGIC_0;
  out[1] = FRAME_MAGIC_1;
  out[2] = FRAME_VERSION;
  out[3] = 0;
  out.writeUInt32BE(json.length, 4);
  json.copy(out, PRELUDE);
  let at = PRELUDE + json.length;
  out.set(reqBody, at);
  at += reqBody.byteLength;
  out.set(resBody, at);
  return out;
}

function fail(code: DecodeError['code'], reason: string): Decoded<TapRecord> {
  return { ok: false, error: new DecodeError(code, reason) };
}

/** Decodes a framed TapRecord. Bad input gives `{ ok: false, error }` with a code and reason. */
export function decodeTapRecord(value: Uint8Array | null | undefined): Decoded<TapRecord> {
  if (!value || value.byteLength < PRELUDE) {
    return fail(
      'ERR_DECODE_TRUNCATED',
      `value has ${value?.byteLength ?? 0} bytes, a frame needs at least ${PRELUDE}`,
    );
  }
  if (value[0] !== FRAME_MAGIC_0 || value[1] !== FRAME_MAGIC_1) {
    return fail(
      'ERR_DECODE_MAGIC',
      'value does not start with the "SD" frame magic (not a TapRecord)',
    );
  }
  if (value[2] !== FRAME_VERSION) {
    return fail(
      'ERR_DECODE_VERSION',
      `frame version ${value[2]} is not supported (this build reads ${FRAME_VERSION})`,
    );
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const headerLength = view.getUint32(4, false);
  if (PRELUDE + headerLength > value.byteLength) {
    return fail(
      'ERR_DECODE_TRUNCATED',
      `header length ${headerLength} runs past the end of a ${value.byteLength}-byte value`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(utf8Decoder.decode(value.subarray(PRELUDE, PRELUDE + headerLength)));
  } catch (error) {
    return fail('ERR_DECODE_HEADER', `header is not UTF-8 JSON: ${(error as Error).message}`);
  }
  // The fast check accepts only what the schema accepts; zod decides (and explains) the rest.
  let h: TapRecordHeader;
  if (isTapRecordHeader(raw)) {
    h = raw;
  } else {
    const parsed = tapRecordHeaderSchema.safeParse(raw);
    if (!parsed.success) {
      const version = (raw as { v?: unknown } | null)?.v;
      if (version !== undefined && version !== TAP_RECORD_VERSION) {
        return fail(
          'ERR_DECODE_VERSION',
          `record schema version ${String(version)} is not supported (this build reads ${TAP_RECORD_VERSION})`,
        );
      }
      return fail('ERR_DECODE_SCHEMA', zodReason(parsed.error));
    }
    h = parsed.data;
  }
  const bodiesStart = PRELUDE + headerLength;
  const reqLength = h.request.bodyLength;
  const resLength = h.response?.bodyLength ?? 0;
  if (bodiesStart + reqLength + resLength !== value.byteLength) {
    return fail(
      'ERR_DECODE_LENGTH',
      `header announces ${reqLength} + ${resLength} body bytes but ${value.byteLength - bodiesStart} follow`,
    );
  }
  const record: TapRecord = {
    v: h.v,
    traceId: h.traceId,
    role: h.role,
    service: h.service,
    tapId: h.tapId,
    capturedAt: h.capturedAt,
    durationMs: h.durationMs,
    request: {
      method: h.request.method,
      url: h.request.url,
      headers: h.request.headers,
      body: value.subarray(bodiesStart, bodiesStart + reqLength),
      bodySize: h.request.bodySize,
      bodyTruncated: h.request.bodyTruncated,
      ...(h.request.contentEncoding !== undefined
        ? { contentEncoding: h.request.contentEncoding }
        : {}),
    },
  };
  if (h.response) {
    const at = bodiesStart + reqLength;
    record.response = {
      status: h.response.status,
      headers: h.response.headers,
      body: value.subarray(at, at + resLength),
      bodySize: h.response.bodySize,
      bodyTruncated: h.response.bodyTruncated,
      ...(h.response.contentEncoding !== undefined
        ? { contentEncoding: h.response.contentEncoding }
        : {}),
    };
  }
  if (h.error) record.error = h.error;
  if (h.meta) record.meta = h.meta;
  return { ok: true, value: record };
}
