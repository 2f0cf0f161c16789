import { DIFF_KINDS, UsageError } from '@shadowdiff/contracts';
import type { SampleKind } from '@shadowdiff/engine';
import { parseDuration } from '../cli/parse-flags.js';
import type { TimeRange } from './console-data.js';
import { BadRequest } from './http-util.js';

/** Default time range of the overview and the route detail. */
export const DEFAULT_RANGE_MS = 3_600_000;
/** Longest range the console answers (the Redis store keeps hour buckets 30 days). */
export const MAX_RANGE_MS = 31 * 86_400_000;

const KINDS: readonly string[] = [...DIFF_KINDS, 'outcome'];

export function required(q: URLSearchParams, name: string): string {
  const v = q.get(name);
  if (v === null || v === '') throw new BadRequest(`missing query parameter '${name}'`);
  return v;
}

export function sampleKind(q: URLSearchParams): SampleKind {
  const kind = required(q, 'kind');
  if (!KINDS.includes(kind)) {
    throw new BadRequest(`'kind' must be one of ${KINDS.join(', ')}, got '${kind}'`);
  }
  return kind as SampleKind;
}

export function limit(q: URLSearchParams): number | undefined {
  const v = q.get('limit');
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new BadRequest(`'limit' must be a whole number from 1 to 100, got '${v}'`);
  }
  return n;
}

/**
 * The time range of a request: `from` and `to` as epoch ms, or `range` as a duration ending now
 * (`15m`, `6h`, `7d`); default the last hour.
 */
export function timeRange(q: URLSearchParams, now: number): TimeRange {
  const from = q.get('from');
  const to = q.get('to');
  if (from !== null || to !== null) {
    const f = Number(from);
    const t = to === null ? now : Number(to);
    if (from === null || !Number.isFinite(f) || !Number.isFinite(t) || f >= t) {
      throw new BadRequest(`'from' and 'to' must be epoch ms with from < to`);
    }
    if (t - f > MAX_RANGE_MS) throw new BadRequest(`range longer than 31 days`);
    return { from: f, to: t };
  }
  const range = q.get('range');
  let ms = DEFAULT_RANGE_MS;
  if (range !== null) {
    try {
      ms = parseDuration('range', range);
    } catch (error) {
      throw new BadRequest(
        error instanceof UsageError ? error.message.replace(/^--/, '') : String(error),
      );
    }
  }
  if (ms > MAX_RANGE_MS) throw new BadRequest(`range longer than 31 days`);
  return { from: now - ms, to: now };
}
