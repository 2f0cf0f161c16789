// DOM building. Text always goes in through text nodes: captured traffic never becomes markup.

import { fmtNum, fmtPct } from './format.js';

/** h('div', { class: 'x', onclick: fn, dataset: { a: 1 } }, 'text', child) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function svg(tag, attrs) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

export function link(view, params) {
  const q = new URLSearchParams(params);
  return `#/${view}${q.toString() ? `?${q}` : ''}`;
}

export function crumbs(...items) {
  const el = h('div', { class: 'crumbs' });
  items.forEach((item, i) => {
    if (i > 0) el.append(h('span', { class: 'sep' }, '/'));
    el.append(item.href ? h('a', { href: item.href }, item.text) : h('span', {}, item.text));
  });
  return el;
}

export function kpi(label, value, note, cls) {
  return h(
    'div',
    { class: `kpi ${cls || ''}` },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    note ? h('div', { class: 'note' }, note) : null,
  );
}

export function sevChip(sev, count) {
  return h(
    'span',
    { class: `chip sev-${sev}`, title: sev },
    count === undefined ? sev : `${sev} ${fmtNum(count)}`,
  );
}

export function rateClass(rate) {
  if (rate === null || rate === undefined) return '';
  if (rate >= 0.05) return 'bad';
  if (rate >= 0.005) return 'warn';
  return '';
}

/** Diff rate with a bar and its 95% interval underneath. */
export function rateCell(rate, interval, compared) {
  const fill = h('i');
  fill.style.width = `${Math.min(100, Math.max(rate ? 2 : 0, (rate || 0) * 100))}%`;
  return h(
    'div',
    {},
    h(
      'div',
      { class: `rate ${rateClass(rate)}` },
      h('span', { class: 'bar' }, fill),
      h('span', { class: 'value' }, fmtPct(rate)),
    ),
    compared > 0
      ? h(
          'span',
          { class: 'ci', title: '95% Wilson interval' },
          `${fmtPct(interval.low)} – ${fmtPct(interval.high)}`,
        )
      : null,
  );
}

/**
 * `primary / shadow`, the shadow in red when it is over 20% worse and by at least `minGap` (5 ms
 * suits latencies: 6 ms vs 8 ms is 33% slower but not worth a red number).
 */
export function pairCell(p, s, fmt, minGap = 5) {
  const worse = p !== null && s !== null && s > p * 1.2 && s - p >= minGap;
  return h(
    'span',
    { class: 'pair' },
    h('span', {}, fmt(p)),
    h('span', { class: 'sep' }, '/'),
    h('span', { class: worse ? 'worse' : '' }, fmt(s)),
  );
}
