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
  /**
   * Line endings folded to `\n`, BOM removed. `jsonLimit` says why a JSON body is compared as
   * text instead: deeper than {@link MAX_JSON_DEPTH} or longer than {@link MAX_JSON_CHARS}.
   */
  | { kind: 'text'; text: string; jsonLimit?: string }
  /** Compared by hash: sha256 hex of the decoded bytes. */
  | { kind: 'binary'; size: number; hash: string };

/** The part of a compiled route rule that normalization needs. */
export interface NormalizeRule {
  readonly arrays: readonly ArrayRule[];
}

/**
 * Deepest JSON document compared field by field. Normalizing and diffing walk documents
 * recursively; a hostile 100 000-deep array would overflow the stack. Real APIs stay far below.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Longest JSON text (UTF-16 code units) parsed and compared field by field: past it a body is
 * compared as text, so one huge document costs a string compare, not a parse and a tree walk.
 */
export const MAX_JSON_CHARS = 4 * 1024 * 1024;

/**
 * True when brackets outside strings nest deeper than `max`. A scan of the text, not of a parsed
 * tree: it runs before JSON.parse, so a too-deep document is never built.
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  // Depth d needs 2d characters: a short text cannot be too deep.
  if (text.length <= 2 * max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Why `text` is not compared as JSON, or undefined when it may be parsed. */
function jsonLimitOf(text: string): string | undefined {
  if (text.length > MAX_JSON_CHARS) {
    return `${text.length} characters (JSON past ${MAX_JSON_CHARS} is compared as text)`;
  }
  if (jsonDeeperThan(text, MAX_JSON_DEPTH)) {
    return `nested deeper than ${MAX_JSON_DEPTH} (compared as text)`;
  }
  return undefined;
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
 * decompression failed is binary. JSON gets the route's array rules (see `normalizeJson`); JSON past
 * the depth or size limits is text with `jsonLimit` set.
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
    const jsonLimit = jsonLimitOf(text);
    if (jsonLimit !== undefined) return { kind: 'text', text: foldLineEndings(text), jsonLimit };
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
