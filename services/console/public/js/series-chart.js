// Stacked bars of verdict outcomes per bucket (inline SVG; no chart library).

import { h, svg } from './dom.js';
import { fmtTime } from './format.js';

const COLORS = { match: '#b7e4c7', diff: '#f04438', orphan: '#fdb022', error: '#7a5af8' };

export function seriesChart(series, from, to, bucketMs) {
  const width = 1000;
  const height = 64;
  const chart = svg('svg', {
    class: 'series',
    viewBox: `0 0 ${width} ${height}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': 'Verdicts over time',
  });
  const start = Math.floor(from / bucketMs) * bucketMs;
  const buckets = Math.max(1, Math.ceil((to - start) / bucketMs));
  const w = width / buckets;
  const max = Math.max(
    1,
    ...series.map((s) => Object.values(s.outcomes).reduce((a, b) => a + b, 0)),
  );
  chart.append(
    svg('line', { x1: 0, x2: width, y1: height - 0.5, y2: height - 0.5, stroke: '#e4e7ec' }),
  );
  for (const s of series) {
    const i = Math.floor((s.at - start) / bucketMs);
    let y = height;
    for (const o of Object.keys(COLORS)) {
      const n = s.outcomes[o] || 0;
      if (!n) continue;
      const bh = (n / max) * (height - 2);
      y -= bh;
      const rect = svg('rect', {
        x: i * w + w * 0.1,
        y,
        width: Math.max(2, w * 0.8),
        height: bh,
        fill: COLORS[o],
      });
      const title = svg('title', {});
      title.textContent = `${fmtTime(s.at)} ${o}: ${n}`;
      rect.append(title);
      chart.append(rect);
    }
  }
  const legend = h('div', { class: 'legend' });
  for (const [o, c] of Object.entries(COLORS)) {
    const dot = h('i');
    dot.style.background = c;
    legend.append(h('span', {}, dot, o));
  }
  return h(
    'div',
    {},
    chart,
    h('div', { class: 'series-axis' }, h('span', {}, fmtTime(start)), h('span', {}, fmtTime(to))),
    legend,
  );
}
