import type { SuppressReason } from '@shadowdiff/contracts';
import {
  HEX_MIXED,
  hexShape,
  isNumeric,
  isTimeLikeKey,
  isUlid,
  isUuid,
  parseEpoch,
  parseTimestampString,
} from '../normalize/value-kind.js';
import type { ParsedTimestamp } from '../normalize/value-kind.js';
import type { CompiledRouteRule, CompiledRules, ToleranceRule } from '../route/compile-rules.js';

/** What a diff needs to know about the rules in force for one pair. */
export interface DiffScope {
  rules: CompiledRules;
  /** The configured rule of the route, if any. */
  rule: CompiledRouteRule | undefined;
}

function withinTimestamps(
  a: ParsedTimestamp | undefined,
  b: ParsedTimestamp | undefined,
  toleranceMs: number,
): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.format === b.format &&
    Math.abs(a.ms - b.ms) <= toleranceMs
  );
}

function epochOf(value: string): ParsedTimestamp | undefined {
  return isNumeric(value) ? parseEpoch(Number(value)) : undefined;
}

/**
 * Why a changed scalar (same JSON type on both sides) is not drift, or undefined if it is.
 * `rule`: within `tolerance` (the route's first configured tolerance matching the path; equal
 * when within `abs` or within `rel` of the larger magnitude). `volatile`: float noise within
 * `floatRelTolerance`; timestamps of the same format within `timestampToleranceMs` (ISO-8601,
 * RFC 1123; epoch s/ms numbers or digit strings under a time-like key); both sides UUIDs, ULIDs,
 * or hex strings (>= 16 chars) of equal length of which at least one mixes digits and letters.
 */
export function scalarNoise(
  a: unknown,
  b: unknown,
  key: string,
  tolerance: ToleranceRule | undefined,
  rules: CompiledRules,
): SuppressReason | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    const delta = Math.abs(a - b);
    if (tolerance !== undefined) {
      const scale = Math.max(Math.abs(a), Math.abs(b));
      const { abs, rel } = tolerance;
      if ((abs !== undefined && delta <= abs) || (rel !== undefined && delta <= rel * scale)) {
        return 'rule';
      }
    }
    if (delta <= rules.floatRelTolerance * Math.max(Math.abs(a), Math.abs(b))) return 'volatile';
    if (
      isTimeLikeKey(key) &&
      withinTimestamps(parseEpoch(a), parseEpoch(b), rules.timestampToleranceMs)
    ) {
      return 'volatile';
    }
    return undefined;
  }
  if (typeof a !== 'string' || typeof b !== 'string') return undefined;
  const n = a.length;
  if (n >= 16 && b.length >= 16) {
    const ta = parseTimestampString(a);
    if (ta !== undefined) {
      return withinTimestamps(ta, parseTimestampString(b), rules.timestampToleranceMs)
        ? 'volatile'
        : undefined;
    }
    if (n === b.length) {
      if (n === 36 && isUuid(a) && isUuid(b)) return 'volatile';
      if (n === 26 && isUlid(a) && isUlid(b)) return 'volatile';
      // Hex tokens: a random one is all digits about once in 1,800 (16 chars), so one side being
      // all digits (or letters) does not make the pair a real change; both sides must be all hex
      // and at least one a proper token.
      const sa = hexShape(a);
      const sb = hexShape(b);
      if (sa !== 0 && sb !== 0 && (sa === HEX_MIXED || sb === HEX_MIXED)) return 'volatile';
    }
  }
  if (
    n >= 10 &&
    isTimeLikeKey(key) &&
    withinTimestamps(epochOf(a), epochOf(b), rules.timestampToleranceMs)
  ) {
    return 'volatile';
  }
  return undefined;
}
