import { DecodeError } from '../errors.js';
import { TAP_RECORD_VERSION, tapRecordHeaderSchema } from '../tap-record.js';
import type { TapRecord, TapRecordHeader } from '../tap-record.js';
import type { Decoded } from './result.js';
import { isTapRecordHeader } from './tap-record-fast-check.js';
import { zodReason } from './zod-reason.js';
import {
  FRAME_MAGIC_0,
  FRAME_MAGIC_1,
  FRAME_VERSION,
  PRELUDE,
  TapRecordEncoder,
} from './tap-record-writer.js';

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
export { FRAME_MAGIC_0, FRAME_MAGIC_1, FRAME_VERSION } from './tap-record-writer.js';
/**
 * Largest metadata header decoded. A real one is a few KiB (URL, headers, meta); a hostile or
 * broken record announcing megabytes of header JSON (a 200 000-key `meta`, compressed small on
 * the wire) is refused before it is parsed, so it costs the worker nothing but the DLQ copy.
 */
export const MAX_HEADER_BYTES = 1024 * 1024;
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TapRecordEncoder();

/** Encodes a record as a framed Kafka message value (a new Buffer; see TapRecordEncoder to skip it). */
export function encodeTapRecord(record: TapRecord): Buffer {
  const encoded = encoder.encode(record);
  const out = Buffer.allocUnsafe(encoded.byteLength);
  encoded.copyTo(out, 0);
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
  if (headerLength > MAX_HEADER_BYTES) {
    return fail(
      'ERR_DECODE_HEADER',
      `header of ${headerLength} bytes is over the ${MAX_HEADER_BYTES}-byte limit`,
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
