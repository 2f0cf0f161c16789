import type { DiffCollector } from './collector.js';
import { PREVIEW_CHARS } from './preview.js';

/** A unified-diff style summary of where two texts part: `@@ -3,2 +3,4 @@` and the first lines. */
export interface TextDiffSummary {
  /** 1-based first differing line. */
  line: number;
  /** Lines in the differing middle section of each side (common prefix and suffix removed). */
  primaryLines: number;
  shadowLines: number;
  primaryFirst: string;
  shadowFirst: string;
}

function cut(s: string): string {
  return s.length > PREVIEW_CHARS ? s.slice(0, PREVIEW_CHARS) + '…' : s;
}

/**
 * Common leading and trailing lines are skipped; what is left is the changed region. Linear, not
 * an LCS: a summary that points at the change is what the verdict needs; the console shows the
 * full bodies.
 */
export function summarizeTextDiff(a: string, b: string): TextDiffSummary {
  const la = a.split('\n');
  const lb = b.split('\n');
  let start = 0;
  const max = Math.min(la.length, lb.length);
  while (start < max && la[start] === lb[start]) start++;
  let endA = la.length;
  let endB = lb.length;
  while (endA > start && endB > start && la[endA - 1] === lb[endB - 1]) {
    endA--;
    endB--;
  }
  return {
    line: start + 1,
    primaryLines: endA - start,
    shadowLines: endB - start,
    primaryFirst: cut(la[start] ?? ''),
    shadowFirst: cut(lb[start] ?? ''),
  };
}

/** Text bodies: equal or one `minor` replace at the body root carrying the line summary. */
export function diffText(a: string, b: string, out: DiffCollector): void {
  if (a === b) return;
  const s = summarizeTextDiff(a, b);
  out.diff({
    kind: 'body',
    path: '',
    op: 'replace',
    severity: 'minor',
    primary: `@@ -${s.line},${s.primaryLines} @@ ${s.primaryFirst}`,
    shadow: `@@ +${s.line},${s.shadowLines} @@ ${s.shadowFirst}`,
  });
}
