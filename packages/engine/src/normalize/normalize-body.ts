import { isUtf8 } from 'node:buffer';
import type { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { TextDecoder } from 'node:util';
import type { DecodedBody } from './decode-body.js';
import { isBinaryMediaType, isJsonMediaType, isTextMediaType } from './media-type.js';
import { normalizeJson } from './normalize-json.js';
import type { ArrayRule } from './normalize-json.js';

/** A body ready to diff. */
export type NormalizedBody =
  | { kind: 'json'; value: unknown }
  /** Line endings folded to `\n`, BOM removed. */
  | { kind: 'text'; text: string }
  /** Compared by hash: sha256 hex of the decoded bytes. */
  | { kind: 'binary'; size: number; hash: string };

/** The part of a compiled route rule that normalization needs. */
export interface NormalizeRule {
  readonly arrays: readonly ArrayRule[];
}

const decoders = new Map<string, TextDecoder>();

function decoderFor(charset: string): TextDecoder | undefined {
  let decoder = decoders.get(charset);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(charset);
    } catch {
      return undefined; // unknown label: the caller falls back to UTF-8
    }
    decoders.set(charset, decoder);
  }
  return decoder;
}

/** Decodes bytes with the declared charset (default UTF-8) and drops a byte-order mark. */
export function decodeText(bytes: Buffer, charset: string | undefined): string {
  let text: string;
  switch (charset) {
    case undefined:
    case 'utf-8':
      text = bytes.toString('utf8');
      break;
    case 'latin1':
    case 'ascii':
      text = bytes.toString('latin1');
      break;
    case 'utf-16le':
      text = bytes.toString('utf16le');
      break;
    default:
      text = decoderFor(charset)?.decode(bytes) ?? bytes.toString('utf8');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** First non-whitespace byte is `{` or `[` (after an optional UTF-8 BOM). */
function looksLikeJson(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, 1024);
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (; i < n; i++) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b || c === 0x5b;
  }
  return false;
}

function foldLineEndings(text: string): string {
  return text.indexOf('\r\n') < 0 ? text : text.replace(/\r\n/g, '\n');
}

/** sha256 hex of the bytes (computation, not I/O). */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Classifies and normalizes a decoded body: JSON when the content type says so or the bytes start
 * like a JSON document and parse; else text when the content type is textual, a charset is
 * declared, or the bytes are valid UTF-8 without NUL; else binary (hash). A body whose
 * decompression failed is binary. JSON gets the route's array rules (see `normalizeJson`).
 */
export function normalizeBody(decoded: DecodedBody, rule?: NormalizeRule): NormalizedBody {
  const { bytes, mediaType } = decoded;
  const { essence, charset } = mediaType;
  if (decoded.error !== undefined || (isBinaryMediaType(essence) && bytes.length > 0)) {
    return binary(bytes);
  }
  if (bytes.length === 0) return { kind: 'text', text: '' };
  const jsonType = isJsonMediaType(essence);
  if (jsonType || looksLikeJson(bytes)) {
    const text = decodeText(bytes, charset);
    try {
      const value: unknown = JSON.parse(text);
      return { kind: 'json', value: normalizeJson(value, rule?.arrays ?? []) };
    } catch {
      return { kind: 'text', text: foldLineEndings(text) };
    }
  }
  if (
    isTextMediaType(essence) ||
    charset !== undefined ||
    (isUtf8(bytes) && bytes.indexOf(0) < 0)
  ) {
    return { kind: 'text', text: foldLineEndings(decodeText(bytes, charset)) };
  }
  return binary(bytes);
}

function binary(bytes: Buffer): NormalizedBody {
  return { kind: 'binary', size: bytes.length, hash: hashBytes(bytes) };
}
