import type { DiffCollector } from './collector.js';

/** `2xx` etc.; a change of class (200 -> 503) is critical, within a class (200 -> 201) major. */
export function statusClass(status: number): number {
  return Math.floor(status / 100);
}

export function diffStatus(a: number, b: number, out: DiffCollector): void {
  if (a === b) return;
  out.diff({
    kind: 'status',
    path: 'status',
    op: 'replace',
    severity: statusClass(a) === statusClass(b) ? 'major' : 'critical',
    primary: a,
    shadow: b,
  });
}
