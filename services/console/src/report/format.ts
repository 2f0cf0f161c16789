import { formatPercent } from '../cli/parse-flags.js';
import type { Interval } from '../stats/wilson.js';
import type { EvidenceReport } from './evidence.js';

export const num = (x: number): string => x.toLocaleString('en-US');
export const pct = (x: number | null): string => formatPercent(x, 2);
export const ms = (x: number | null): string =>
  x === null ? '—' : x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x).toLocaleString('en-US')} ms`;
export const ci = (i: Interval, n: number): string =>
  n === 0 ? '—' : `${formatPercent(i.low, 2)} – ${formatPercent(i.high, 2)}`;
export const iso = (at: number): string => new Date(at).toISOString().replace('.000Z', 'Z');

/**
 * Whether a string is the engine's `preview` of an object or array: JSON text (cut with `…` when
 * long). It is shown as it is, not quoted again (`["sale"]`, not `"[\"sale\"]"`).
 */
export function isStructurePreview(s: string): boolean {
  const first = s.trimStart().charAt(0);
  if (first !== '[' && first !== '{') return false;
  if (s.endsWith('…')) return true;
  try {
    const parsed: unknown = JSON.parse(s);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}

/** A diff value, short: JSON for structures, quoted strings, `(absent)` when undefined. */
export function value(v: unknown, max = 80): string {
  if (v === undefined) return '(absent)';
  const text =
    typeof v === 'string'
      ? isStructurePreview(v)
        ? v
        : JSON.stringify(v)
      : (JSON.stringify(v) ?? String(v));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A field path for people: `(body root)` for the empty pointer. */
export function fieldName(kind: string, path: string): string {
  if (kind === 'status') return 'status';
  if (kind === 'header') return `header ${path}`;
  return `body ${path === '' ? '(root)' : path}`;
}

/** Where the Source section's tap mode comes from, for people. */
export function tapModeFrom(r: EvidenceReport): string {
  return r.source.reported.tapMode === 'taps'
    ? 'as the taps recorded it'
    : "this report's config: no tap seen on stored examples";
}

/** Where the Source section's alignment window comes from, for people. */
export function alignmentFrom(r: EvidenceReport): string {
  const workers = r.source.reported.workers;
  if (r.source.reported.alignment === 'config')
    return "this report's config: no worker reported its own";
  const windows = [...new Set(workers.map((w) => w.windowMs))];
  const groups = workers.map((w) => w.groupId).join(', ');
  return windows.length > 1
    ? `as worker group ${workers[0]?.groupId ?? ''} reported it; groups ${groups} report ${windows.map(num).join(' / ')} ms`
    : `as worker group${workers.length > 1 ? 's' : ''} ${groups} reported it`;
}
