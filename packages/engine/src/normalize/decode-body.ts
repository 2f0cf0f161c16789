import { Buffer } from 'node:buffer';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { CapturedResponse } from '@shadowdiff/contracts';
import { parseMediaType } from './media-type.js';
import type { MediaType } from './media-type.js';

/**
 * Decompression output cap. Captured bodies are already capped by the tap, but a small gzip body
 * can inflate to gigabytes; past this the body is reported undecodable rather than exhausting
 * the worker. 16 MiB: far above any body worth diffing field by field, and small enough that a
 * batch of gzip bombs (two per pair, one pair at a time) stays a bounded bump in the worker's RSS.
 */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024;

/**
 * Most content-codings undone for one body. Real servers stack one or two; a list of hundreds of
 * `gzip` would multiply a bomb's cost (each stage inflates up to the cap), so past this the body
 * is reported undecodable.
 */
export const MAX_CODINGS = 4;

/** A body with its content-encoding removed. Charset decoding happens in `normalizeBody`. */
export interface DecodedBody {
  /** The decompressed bytes; the input itself (no copy) when there was no content-encoding. */
  bytes: Buffer;
  mediaType: MediaType;
  /** Why decompression failed (unknown coding, corrupt stream); `bytes` are then the raw input. */
  error?: string;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const LIMIT = { maxOutputLength: MAX_DECODED_BYTES };

/** A response's content coding: the tap's `contentEncoding`, else the header; `identity` is none. */
export function encodingOf(r: CapturedResponse): string {
  const e = (r.contentEncoding ?? r.headers['content-encoding'] ?? '').trim().toLowerCase();
  return e === 'identity' ? '' : e;
}

function decodeOne(coding: string, input: Buffer): Buffer {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(input, LIMIT);
    case 'br':
      return brotliDecompressSync(input, LIMIT);
    case 'deflate':
      // RFC 9110 says zlib-wrapped, but some servers send raw deflate: accept both.
      try {
        return inflateSync(input, LIMIT);
      } catch {
        return inflateRawSync(input, LIMIT);
      }
    default:
      throw new Error(`unsupported content-encoding "${coding}"`);
  }
}

/**
 * Removes the content-encoding (`gzip`, `br`, `deflate`, or a list such as `deflate, gzip`,
 * applied right to left). zlib's synchronous API is pure computation, so the engine stays free of
 * I/O. A failure is a value (`error`), never a throw: the body is then compared as binary.
 */
export function decodeBody(
  bytes: Uint8Array,
  contentEncoding: string | undefined,
  contentType: string | undefined,
): DecodedBody {
  const mediaType = parseMediaType(contentType);
  let out = asBuffer(bytes);
  if (contentEncoding === undefined || contentEncoding === '' || out.byteLength === 0) {
    return { bytes: out, mediaType };
  }
  const codings = contentEncoding.toLowerCase().split(',');
  if (codings.length > MAX_CODINGS) {
    return {
      bytes: asBuffer(bytes),
      mediaType,
      error: `${codings.length} content-codings (at most ${MAX_CODINGS} are undone)`,
    };
  }
  try {
    for (let i = codings.length - 1; i >= 0; i--) {
      const coding = (codings[i] as string).trim();
      if (coding === '' || coding === 'identity') continue;
      out = decodeOne(coding, out);
    }
  } catch (error) {
    return { bytes: asBuffer(bytes), mediaType, error: (error as Error).message };
  }
  return { bytes: out, mediaType };
}
