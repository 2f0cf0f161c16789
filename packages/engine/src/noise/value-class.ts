import type { ValueClass } from '../ports/noise-store.js';
import {
  isHexToken,
  isNumeric,
  isRandomToken,
  isTimeLikeKey,
  isUlid,
  isUuid,
  parseEpoch,
  parseTimestampString,
} from '../normalize/value-kind.js';

/** Two numbers this close (relative) differ by rounding, not by meaning. */
export const JITTER_REL = 1e-6;
/** Epoch values this close are two readings of a clock even without a time-like key. */
const CLOCK_SKEW_MS = 24 * 3_600_000;

/** `req_`, `txn-`, `sess:` ...: a short alphabetic prefix that ids often carry. */
const ID_PREFIX = /^[A-Za-z]{1,12}[_:.-]/;

function stripSharedPrefix(a: string, b: string): [string, string] {
  const m = ID_PREFIX.exec(a);
  if (m === null || !b.startsWith(m[0])) return [a, b];
  return [a.slice(m[0].length), b.slice(m[0].length)];
}

/** A base64 (standard or url-safe, padded or not) or dot-joined (JWT) random token. */
function isTokenLike(s: string): boolean {
  if (isRandomToken(s)) return true;
  if (s.indexOf('.') > 0) {
    const parts = s.split('.');
    return parts.length <= 5 && parts.every((p) => p.length >= 8 && isTokenLike(p));
  }
  const unpadded = s.replace(/=+$/, '');
  if (unpadded.length >= 16 && /^[A-Za-z0-9+/]+$/.test(unpadded)) {
    return isRandomToken(unpadded.replace(/[+/]/g, '-'));
  }
  return false;
}

function idShape(s: string): string | undefined {
  if (isUuid(s)) return 'uuid';
  if (isUlid(s)) return 'ulid';
  if (isHexToken(s, 8)) return `hex${s.length}`;
  return undefined;
}

function classifyNumbers(a: number, b: number, key: string): ValueClass {
  const ea = parseEpoch(a);
  const eb = parseEpoch(b);
  if (
    ea !== undefined &&
    eb !== undefined &&
    ea.format === eb.format &&
    (isTimeLikeKey(key) || Math.abs(ea.ms - eb.ms) <= CLOCK_SKEW_MS)
  ) {
    return 'time';
  }
  const scale = Math.max(Math.abs(a), Math.abs(b));
  if (scale > 0 && Math.abs(a - b) <= JITTER_REL * scale) return 'jitter';
  return Number.isInteger(a) && Number.isInteger(b) ? 'integer' : 'number';
}

/**
 * Classifies one change: a primary value and a shadow value of the same JSON type at a field
 * named `key`. The class is what both sides look like together: a UUID against free text is
 * `text`, not `id`. Values are diff previews (strings cut at 120 chars), which is enough to
 * recognise every volatile shape.
 */
export function classifyChange(primary: unknown, shadow: unknown, key: string): ValueClass {
  if (typeof primary === 'number' && typeof shadow === 'number') {
    return classifyNumbers(primary, shadow, key);
  }
  if (typeof primary !== 'string' || typeof shadow !== 'string') return 'other';
  const ta = parseTimestampString(primary);
  if (ta !== undefined) {
    const tb = parseTimestampString(shadow);
    if (tb !== undefined && tb.format === ta.format) return 'time';
  }
  if (isNumeric(primary) && isNumeric(shadow)) {
    const c = classifyNumbers(Number(primary), Number(shadow), key);
    return c === 'time' ? 'time' : 'integer';
  }
  const [a, b] = stripSharedPrefix(primary, shadow);
  const shape = idShape(a);
  if (shape !== undefined && shape === idShape(b)) return 'id';
  if (isTokenLike(a) && isTokenLike(b)) return 'token';
  return 'text';
}

/** The numeric reading of a primary value for counter evidence, if it has one. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.length <= 20 && isNumeric(value)) return Number(value);
  return undefined;
}

/** The last segment of a statistics path (`/meta/requestId` -> `requestId`), for key hints. */
export function lastSegment(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}
