/**
 * Cheap classifiers for values that carry no meaning across two responses: ids, tokens and
 * timestamps. They run on every changed scalar and every URL segment, so they are char-code loops
 * and regexes compiled once at module load, never per call.
 */

/** Char classes of ASCII codes: bit 1 digit, bit 2 hex letter. A table beats chained compares. */
const HEX_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) HEX_CLASS[c] = 1;
for (let c = 97; c <= 102; c++) HEX_CLASS[c] = 2;
for (let c = 65; c <= 70; c++) HEX_CLASS[c] = 2;

function hexClass(c: number): number {
  return c < 128 ? (HEX_CLASS[c] as number) : 0;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `8-4-4-4-12` hex digits, any version. */
export function isUuid(s: string): boolean {
  if (
    s.length !== 36 ||
    s.charCodeAt(8) !== 45 ||
    s.charCodeAt(13) !== 45 ||
    s.charCodeAt(18) !== 45 ||
    s.charCodeAt(23) !== 45
  ) {
    return false;
  }
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    if (hexClass(s.charCodeAt(i)) === 0) return false;
  }
  return true;
}

/** Crockford base32 without I, L, O, U. */
function isCrockford(c: number): boolean {
  if (c >= 97) c -= 32; // lower-case letters are accepted by the ULID spec
  if (isDigitCode(c)) return true;
  if (c < 65 || c > 90) return false;
  return c !== 73 && c !== 76 && c !== 79 && c !== 85;
}

/**
 * 26 Crockford base32 characters whose first is 0-7 (the 48-bit time prefix). At least one digit is
 * required so that a 26-letter word is never mistaken for an id.
 */
export function isUlid(s: string): boolean {
  if (s.length !== 26) return false;
  const first = s.charCodeAt(0);
  if (first < 48 || first > 55) return false;
  for (let i = 1; i < 26; i++) if (!isCrockford(s.charCodeAt(i))) return false;
  return true;
}

/** Only ASCII digits (a counter or numeric id). */
export function isNumeric(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Only hex digits, at least `minLength` long, with at least one digit and one letter: a pure-digit
 * string is a number and a pure-letter one (`deadbeef`, `facade`) is more likely a word.
 */
export function isHexToken(s: string, minLength = 16): boolean {
  return s.length >= minLength && hexShape(s) === HEX_MIXED;
}

/** {@link hexShape} of a string with both hex digits and hex letters. */
export const HEX_MIXED = 3;

/**
 * What hex characters a string holds: 0 when it has any other character (or is empty), else bit 1
 * for a digit and bit 2 for a letter `a-f`/`A-F` (so {@link HEX_MIXED} for both).
 */
export function hexShape(s: string): number {
  let seen = 0;
  for (let i = 0; i < s.length; i++) {
    const k = hexClass(s.charCodeAt(i));
    if (k === 0) return 0;
    seen |= k;
  }
  return seen;
}

/**
 * A long random token (base64url, base62, random lower-case ids): at least 20 characters of
 * `[A-Za-z0-9_-]` that switch between character classes (digit, lower, upper) often. Random
 * strings switch on roughly every other character; slugs such as `release-notes-2024-q1` almost
 * never do, so they stay literal.
 */
export function isRandomToken(s: string): boolean {
  const n = s.length;
  if (n < 20) return false;
  let switches = 0;
  let previous = 0; // 0 none, 1 digit, 2 lower, 3 upper
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let cls: number;
    if (isDigitCode(c)) {
      cls = 1;
      digits++;
    } else if (c >= 97 && c <= 122) cls = 2;
    else if (c >= 65 && c <= 90) cls = 3;
    else if (c === 45 || c === 95) {
      previous = 0;
      continue;
    } else return false;
    if (previous !== 0 && cls !== previous) switches++;
    previous = cls;
  }
  return digits > 0 && switches * 5 >= n;
}

/** Id-like for route segments and object keys: numeric, UUID, ULID, hex >= 8, or a random token. */
export function isIdLike(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  const c = s.charCodeAt(0);
  if (isDigitCode(c) && isNumeric(s)) return true;
  if (n === 36 && isUuid(s)) return true;
  if (n === 26 && isUlid(s)) return true;
  if (n >= 8 && isHexToken(s, 8)) return true;
  return isRandomToken(s);
}

/** Formats are compared only with themselves: a format change is real drift even at equal instants. */
export type TimestampFormat = 'iso' | 'iso-local' | 'rfc1123' | 'epoch-s' | 'epoch-ms';

export interface ParsedTimestamp {
  ms: number;
  format: TimestampFormat;
}

const RFC1123 =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:GMT|UTC|UT|Z|([+-])(\d{2})(\d{2}))$/;
const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** Epoch seconds between 2001-09-09 and 2103; milliseconds in the same span. */
const EPOCH_S_MIN = 1e9;
const EPOCH_S_MAX = 4.2e9;
const EPOCH_MS_MIN = 1e12;
const EPOCH_MS_MAX = 4.2e12;

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`): integer
 * arithmetic, several times cheaper than `Date.UTC`, and this runs for both sides of every
 * changed string.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Two ASCII digits at `i` as a number, or -1. */
function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `YYYY-MM-DD[T ]hh:mm[:ss[.fff…]][Z|±hh[:]mm|±hh]`, scanned by hand: this runs on both sides of
 * every changed string, and a regex plus `Date.parse` cost several times more.
 */
function parseIso(s: string): ParsedTimestamp | undefined {
  const n = s.length;
  const hi = d2(s, 0);
  const lo = d2(s, 2);
  const month = d2(s, 5);
  const day = d2(s, 8);
  const hour = d2(s, 11);
  const minute = d2(s, 14);
  const t = s.charCodeAt(10);
  if (
    hi < 0 ||
    lo < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour < 0 ||
    hour > 24 ||
    minute < 0 ||
    minute > 59 ||
    s.charCodeAt(13) !== 58 ||
    (t !== 84 && t !== 116 && t !== 32)
  ) {
    return undefined;
  }
  let i = 16;
  let second = 0;
  let millis = 0;
  if (s.charCodeAt(i) === 58 /* : */) {
    second = d2(s, i + 1);
    if (second < 0 || second > 60) return undefined;
    i += 3;
    const c = s.charCodeAt(i);
    if (c === 46 || c === 44 /* . , */) {
      i++;
      const from = i;
      let scale = 100;
      while (i < n) {
        const digit = s.charCodeAt(i) - 48;
        if (digit < 0 || digit > 9) break;
        if (scale >= 1) millis += digit * scale;
        scale /= 10;
        i++;
      }
      if (i === from || i - from > 9) return undefined;
    }
  }
  let offset = 0;
  let zoned = false;
  if (i < n) {
    const c = s.charCodeAt(i);
    if ((c === 90 || c === 122) /* Z z */ && i + 1 === n) {
      zoned = true;
    } else if (c === 43 || c === 45 /* + - */) {
      const oh = d2(s, i + 1);
      if (oh < 0) return undefined;
      i += 3;
      let om = 0;
      if (s.charCodeAt(i) === 58) i++;
      if (i < n) {
        om = d2(s, i);
        if (om < 0) return undefined;
        i += 2;
      }
      if (i !== n) return undefined;
      offset = (oh * 60 + om) * 60_000;
      if (c === 45) offset = -offset;
      zoned = true;
    } else {
      return undefined;
    }
  }
  const days = daysFromCivil(hi * 100 + lo, month, day);
  const ms = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis - offset;
  return { ms, format: zoned ? 'iso' : 'iso-local' };
}

/**
 * ISO-8601 date-times (`2024-05-01T10:00:00.123Z`, offsets, no zone = `iso-local`) and RFC 1123
 * (`Wed, 01 May 2024 10:00:00 GMT`). Date-only strings are not timestamps: a changed date is drift.
 */
export function parseTimestampString(s: string): ParsedTimestamp | undefined {
  const n = s.length;
  if (n >= 16 && n <= 40 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) return parseIso(s);
  if (n >= 28 && n <= 31 && s.charCodeAt(3) === 44) {
    const m = RFC1123.exec(s);
    if (m === null) return undefined;
    let ms = Date.UTC(
      Number(m[3]),
      MONTHS[m[2] as string] ?? 0,
      Number(m[1]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
    );
    if (m[7] !== undefined) {
      const offset = (Number(m[8]) * 60 + Number(m[9])) * 60_000;
      ms += m[7] === '+' ? -offset : offset;
    }
    return Number.isNaN(ms) ? undefined : { ms, format: 'rfc1123' };
  }
  return undefined;
}

/** A number in the epoch-seconds or epoch-milliseconds span (see {@link isTimeLikeKey}). */
export function parseEpoch(value: number): ParsedTimestamp | undefined {
  if (value >= EPOCH_S_MIN && value < EPOCH_S_MAX) return { ms: value * 1000, format: 'epoch-s' };
  if (value >= EPOCH_MS_MIN && value < EPOCH_MS_MAX && Number.isInteger(value)) {
    return { ms: value, format: 'epoch-ms' };
  }
  return undefined;
}

const TIME_KEY_WORD =
  /(?:^|[_.-])(?:ts|at|on|time|timestamp|date|datetime|epoch|exp|expires|expiry|iat|nbf|created|updated|modified)$|^(?:now)$/i;
/** camelCase suffixes are case-sensitive: `createdAt` yes, `format` no. */
const TIME_KEY_CAMEL = /[a-z0-9](?:At|On|Time|Timestamp|Date|DateTime|Ts|Epoch)$/;

/**
 * Epoch numbers are only read as timestamps under a time-like key (`createdAt`, `updated_at`,
 * `ts`, `exp`, ...): without the hint an id or an amount of 1.5e9 would hide real drift.
 */
export function isTimeLikeKey(key: string): boolean {
  let known = timeKeys.get(key);
  if (known === undefined) {
    known =
      key.length > 0 && key.length <= 64 && (TIME_KEY_WORD.test(key) || TIME_KEY_CAMEL.test(key));
    if (timeKeys.size >= TIME_KEY_MEMO) timeKeys.clear();
    timeKeys.set(key, known);
  }
  return known;
}

/** Field names repeat endlessly; the two regexes run once per distinct name (bounded memo). */
const TIME_KEY_MEMO = 10_000;
const timeKeys = new Map<string, boolean>();

/** What a scalar looks like; the noise learner keys its evidence by this. */
export type ValueKind = 'timestamp' | 'uuid' | 'ulid' | 'hex-token' | 'random-token' | 'other';

/** Classifies a scalar value (`key` is the field name, used for epoch numbers). */
export function valueKind(value: unknown, key = ''): ValueKind {
  if (typeof value === 'number') {
    return isTimeLikeKey(key) && parseEpoch(value) !== undefined ? 'timestamp' : 'other';
  }
  if (typeof value !== 'string') return 'other';
  if (isUuid(value)) return 'uuid';
  if (isUlid(value)) return 'ulid';
  if (parseTimestampString(value) !== undefined) return 'timestamp';
  if (isNumeric(value)) {
    return isTimeLikeKey(key) && parseEpoch(Number(value)) !== undefined ? 'timestamp' : 'other';
  }
  if (isHexToken(value)) return 'hex-token';
  if (isRandomToken(value)) return 'random-token';
  return 'other';
}
