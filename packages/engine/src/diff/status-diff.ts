import { statusClass } from '@shadowdiff/contracts';
import type { DiffCollector } from './collector.js';

/** A change of status class (200 -> 503, see `statusClass`) is critical, within a class (200 -> 201) major. */
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
