// A JSON document as indented lines, each line knowing its JSON pointer: lines under a diff path
// (`/items/*/price`, `*` for any index) are highlighted with the finding's severity, lines under a
// suppressed (noise) path are marked as noise.

import { h } from './dom.js';
import { fmtNum } from './format.js';

const MAX_LINES = 4000;

function matchers(entries) {
  return entries
    .filter((d) => d.kind === 'body')
    .map((d) => ({
      entry: d,
      segments:
        d.path === ''
          ? []
          : d.path
              .slice(1)
              .split('/')
              .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')),
    }));
}

function match(list, segments) {
  for (const m of list) {
    if (m.segments.length !== segments.length) continue;
    if (m.segments.every((s, i) => s === '*' || s === String(segments[i]))) return m.entry;
  }
  return undefined;
}

function scalar(v) {
  if (typeof v === 'string') return h('span', { class: 's' }, JSON.stringify(v));
  if (typeof v === 'number') return h('span', { class: 'n' }, String(v));
  return h('span', { class: 'b' }, String(v));
}

export function renderJson(value, diffs, suppressed) {
  const hot = matchers(diffs);
  const noise = matchers(suppressed);
  const out = h('div', { class: 'code json' });
  let lines = 0;
  const line = (indent, parts, segs, hl) => {
    lines++;
    if (lines > MAX_LINES) return;
    const sup = !hl && segs ? match(noise, segs) : undefined;
    const el = h('div', {
      class: `ln${hl ? ` hl sev-${hl.severity}` : sup ? ' sup' : ''}`,
      dataset: hl ? { path: hl.path } : undefined,
      title: sup ? `suppressed as noise (${sup.reason})` : undefined,
    });
    el.append('  '.repeat(indent), ...parts);
    if (sup) el.querySelector('.k')?.setAttribute('data-noise', sup.reason);
    out.append(el);
  };
  const walk = (v, segs, key, indent, comma, inherited) => {
    const hl = match(hot, segs) || inherited;
    const prefix =
      key === null
        ? []
        : [h('span', { class: 'k' }, JSON.stringify(key)), h('span', { class: 'p' }, ': ')];
    const tail = comma ? [h('span', { class: 'p' }, ',')] : [];
    if (v !== null && typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
      const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0)
        return line(
          indent,
          [...prefix, h('span', { class: 'p' }, open + close), ...tail],
          segs,
          hl,
        );
      line(indent, [...prefix, h('span', { class: 'p' }, open)], segs, hl);
      entries.forEach(([k, x], i) =>
        walk(x, [...segs, k], Array.isArray(v) ? null : k, indent + 1, i < entries.length - 1, hl),
      );
      line(indent, [h('span', { class: 'p' }, close), ...tail], null, hl);
    } else {
      line(indent, [...prefix, scalar(v), ...tail], segs, hl);
    }
  };
  walk(value, [], null, 0, false, undefined);
  if (lines > MAX_LINES)
    out.append(
      h('div', { class: 'ln muted' }, `… ${fmtNum(lines - MAX_LINES)} more lines not shown`),
    );
  return out;
}
