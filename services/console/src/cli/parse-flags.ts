import { UsageError } from '@shadowdiff/contracts';

const UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A duration such as `15m`, `90s`, `1h30m`, `2d` or `500ms`, in ms. Bare numbers are refused: a
 * window of `15` is ambiguous (seconds? minutes?), and a gate must not guess.
 */
export function parseDuration(flag: string, text: string): number {
  const trimmed = text.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(trimmed); m !== null; m = re.exec(trimmed)) {
    total += Number(m[1]) * UNITS_MS[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (trimmed === '' || consumed !== trimmed.length || !(total > 0)) {
    throw new UsageError(
      `--${flag} expects a duration such as 15m, 1h, 90s or 1h30m (units ms s m h d w), got '${text}'`,
    );
  }
  return Math.round(total);
}

/**
 * A rate as a fraction: `0.5%` -> 0.005; a bare number is a fraction (`0.005`) below 1. Must be
 * within [0, 1]: a diff rate of 150% means a typo, not a lenient gate; a bare `1` is refused as
 * likely meant as 1%.
 */
export function parseRate(flag: string, text: string): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith('%');
  const body = percent ? trimmed.slice(0, -1).trim() : trimmed;
  const n = /^\d+(\.\d+)?$|^\.\d+$/.test(body) ? Number(body) : Number.NaN;
  const value = percent ? n / 100 : n;
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(
      `--${flag} expects a percentage such as 0.5% or a fraction such as 0.005 (between 0 and 100%), got '${text}'`,
    );
  }
  // A bare 1 reads as "1%" to most people and as 100% to the parser: a gate that passes anything.
  if (!percent && value >= 1) {
    throw new UsageError(
      `--${flag} ${text} would be a fraction of 1 (100%): write ${text}% for ${text} percent, or 100% if you mean it`,
    );
  }
  return value;
}

/** A positive ratio such as `1.2` (shadow may be 20% slower). */
export function parseRatio(flag: string, text: string): number {
  const trimmed = text.trim();
  const n = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(n > 0)) {
    throw new UsageError(
      `--${flag} expects a positive number such as 1.2 (shadow p99 / primary p99), got '${text}'`,
    );
  }
  return n;
}

/** A whole number of at least `min`. */
export function parseCount(flag: string, text: string, min = 1): number {
  const trimmed = text.trim();
  const n = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${flag} expects a whole number >= ${min}, got '${text}'`);
  }
  return n;
}

/**
 * A point in time: `now`, an ISO 8601 date-time (`2026-11-26T10:00:00Z`, a date alone is UTC
 * midnight), epoch milliseconds, or a duration ago (`-2h`, `2h ago`, `2h`).
 */
export function parseTime(flag: string, text: string, now: number): number {
  const trimmed = text.trim();
  if (trimmed === 'now') return now;
  if (/^\d{12,}$/.test(trimmed)) return Number(trimmed);
  const ago = /^-?\s*(.+?)(\s+ago)?$/.exec(trimmed);
  if (ago && /^[\d.]+(ms|s|m|h|d|w)/.test(ago[1]!)) {
    try {
      return now - parseDuration(flag, ago[1]!);
    } catch {
      // fall through to the date forms and the full message below
    }
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (Number.isFinite(at)) return at;
  }
  throw new UsageError(
    `--${flag} expects a time: now, an ISO date-time such as 2026-11-26T10:00:00Z, epoch ms, or a duration ago such as 2h or -30m; got '${text}'`,
  );
}

/** Percent with up to `digits` decimals, trailing zeros kept short: 0.00512 -> `0.51%`. */
export function formatPercent(rate: number | null, digits = 2): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  return `${(rate * 100).toFixed(digits)}%`;
}

/** `15m`, `1h30m`, `2d`: the inverse of parseDuration for whole units. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}ms`);
  return parts.join('');
}
