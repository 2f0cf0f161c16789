// A route's findings in words: the most severe finding, paired latency drift, and what a noise
// recount changed. Shown on the route page above the field tree.

import { h, sevChip } from './dom.js';
import { fieldLabel, fmtMs, fmtNum, fmtPct } from './format.js';

const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : '∞');

export function latencyLine(drift) {
  if (!drift || drift.status === 'insufficient') {
    return h(
      'span',
      { class: 'muted' },
      `Latency: too few pairs with both latencies to compare (${fmtNum(drift?.pairs ?? 0)} of ${fmtNum(drift?.thresholds.minPairs ?? 10)} needed).`,
    );
  }
  const figures = `median ${x(drift.ratio)} (95% interval ${x(drift.ratioInterval.low)} – ${x(drift.ratioInterval.high)}), ${drift.deltaMs >= 0 ? '+' : ''}${fmtMs(drift.deltaMs)} over ${fmtNum(drift.pairs)} paired requests`;
  if (drift.status === 'slower') {
    return h(
      'span',
      { class: 'latency-drift-line' },
      h('span', { class: 'chip sev-major' }, 'latency drift'),
      ` The shadow is slower than the primary on the same requests: ${figures}.`,
    );
  }
  return h(
    'span',
    { class: 'muted' },
    `Latency: not significantly slower on the shadow — ${figures}.`,
  );
}

export function findingsPanel(r) {
  const lines = [];
  if (r.worst) {
    lines.push(
      h(
        'div',
        { class: 'finding-line' },
        'Most severe: ',
        sevChip(r.worst.severity),
        h('span', { class: 'mono' }, ` ${r.worst.kind} ${fieldLabel(r.worst.kind, r.worst.path)}`),
        ` on ${fmtNum(r.worst.count)} of ${fmtNum(r.compared)} pairs`,
      ),
    );
  }
  lines.push(h('div', { class: 'finding-line' }, latencyLine(r.latency.drift)));
  if (r.recount) {
    const paths = r.recount.paths.map(
      (p) => `${p.kind} ${fieldLabel(p.kind, p.path)} (${p.state})`,
    );
    lines.push(
      h(
        'div',
        { class: 'finding-line recount-line' },
        h('span', { class: 'chip noise' }, 'recounted'),
        ` Diff rate ${fmtPct(r.recount.before.diffRate)} → ${fmtPct(r.diffRate)}: ${fmtNum(r.recount.pairs)} pairs judged before ${paths.join(', ') || 'the noise decision'} became noise now count as matches.`,
        r.recount.approximate
          ? ` Approximate: ${fmtNum(r.recount.unrecountable)} pairs had too many distinct findings to recount and stay diffs.`
          : '',
      ),
    );
  }
  return h(
    'div',
    { class: 'panel findings-panel' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Findings')),
    h('div', { class: 'panel-body' }, lines),
  );
}
