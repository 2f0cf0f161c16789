import { formatPercent } from '../cli/parse-flags.js';
import type { Interval } from '../stats/wilson.js';

export const num = (x: number): string => x.toLocaleString('en-US');
export const pct = (x: number | null): string => formatPercent(x, 2);
export const ms = (x: number | null): string =>
  x === null ? '—' : x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x).toLocaleString('en-US')} ms`;
export const ci = (i: Interval, n: number): string =>
  n === 0 ? '—' : `${formatPercent(i.low, 2)} – ${formatPercent(i.high, 2)}`;
export const iso = (at: number): string => new Date(at).toISOString().replace('.000Z', 'Z');

/** A diff value, short: JSON for structures, quoted strings, `(absent)` when undefined. */
export function value(v: unknown, max = 80): string {
  if (v === undefined) return '(absent)';
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A field path for people: `(body root)` for the empty pointer. */
export function fieldName(kind: string, path: string): string {
  if (kind === 'status') return 'status';
  if (kind === 'header') return `header ${path}`;
  return `body ${path === '' ? '(root)' : path}`;
}
