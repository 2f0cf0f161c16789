import type { Headers } from '@shadowdiff/contracts';
import { parseMediaType } from '../normalize/media-type.js';
import { VOLATILE_HEADERS } from '../normalize/volatile-headers.js';
import type { HeaderRule } from '../route/compile-rules.js';
import type { DiffCollector } from './collector.js';
import { preview } from './preview.js';

/**
 * `content-type` compares what changes meaning: the media type (a change is a `type` diff,
 * `major`) and the charset, only when both sides declare one (aliases and case folded). Other
 * parameters (boundary, quoting, spacing) are noise.
 */
function diffContentType(a: string, b: string, out: DiffCollector): void {
  const ma = parseMediaType(a);
  const mb = parseMediaType(b);
  if (ma.essence !== mb.essence) {
    out.diff({
      kind: 'header',
      path: 'content-type',
      op: 'type',
      severity: 'major',
      primary: ma.essence,
      shadow: mb.essence,
    });
  } else if (ma.charset !== undefined && mb.charset !== undefined && ma.charset !== mb.charset) {
    out.diff({
      kind: 'header',
      path: 'content-type',
      op: 'replace',
      severity: 'minor',
      primary: ma.charset,
      shadow: mb.charset,
    });
  }
}

function diffOne(name: string, a: Headers, b: Headers, out: DiffCollector): void {
  const va = a[name];
  const vb = b[name];
  if (va === vb) return;
  if (va === undefined) {
    out.diff({ kind: 'header', path: name, op: 'add', severity: 'info', shadow: preview(vb) });
  } else if (vb === undefined) {
    out.diff({ kind: 'header', path: name, op: 'remove', severity: 'major', primary: preview(va) });
  } else if (name === 'content-type') {
    diffContentType(va, vb, out);
  } else if (va.trim() !== vb.trim()) {
    out.diff({
      kind: 'header',
      path: name,
      op: 'replace',
      severity: 'minor',
      primary: preview(va),
      shadow: preview(vb),
    });
  }
}

/**
 * Compares the allowlisted headers (names are lower-case, as taps record them). With `*`, every
 * header on either side except the volatile ones is compared.
 */
export function diffHeaders(a: Headers, b: Headers, rule: HeaderRule, out: DiffCollector): void {
  for (const name of rule.names) diffOne(name, a, b, out);
  if (!rule.all) return;
  const listed = new Set(rule.names);
  const seen = new Set<string>();
  for (const side of [a, b]) {
    for (const name of Object.keys(side)) {
      if (listed.has(name) || seen.has(name) || VOLATILE_HEADERS.has(name)) continue;
      seen.add(name);
      diffOne(name, a, b, out);
    }
  }
}
