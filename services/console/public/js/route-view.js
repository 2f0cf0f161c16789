// Route detail: headline numbers, verdicts over time, the field tree and examples of a field.

import { api } from './api.js';
import { crumbs, h, kpi, rateClass } from './dom.js';
import { drawExamples } from './examples-panel.js';
import { drawFields, firstDrifting } from './fields-panel.js';
import { findingsPanel } from './findings-panel.js';
import { fmtMs, fmtNum, fmtPct, fmtTime } from './format.js';
import { seriesChart } from './series-chart.js';
import { state } from './state.js';

function summary(r) {
  const missing = Object.entries(r.missing)
    .map(([role, n]) => `${fmtNum(n)} missing ${role}`)
    .join(' · ');
  return h(
    'div',
    { class: 'kpis' },
    kpi(
      'Compared pairs',
      fmtNum(r.compared),
      `${fmtNum(r.pairs)} verdicts · ${fmtNum(r.late)} late` +
        (r.unmirrored > 0 ? ` · ${fmtNum(r.unmirrored)} not mirrored` : ''),
    ),
    kpi(
      'Diff rate',
      fmtPct(r.diffRate),
      r.compared > 0
        ? `95% CI ${fmtPct(r.diffInterval.low)} – ${fmtPct(r.diffInterval.high)}`
        : 'no pairs',
      rateClass(r.diffRate) === 'bad' ? 'bad' : '',
    ),
    kpi('Orphan rate', fmtPct(r.orphanRate), missing || 'none missing'),
    kpi(
      'Error rate',
      h('span', {}, fmtPct(r.errorRate.primary), h('small', {}, ' primary')),
      `shadow ${fmtPct(r.errorRate.shadow)}`,
    ),
    kpi(
      'p99 latency',
      h('span', {}, fmtMs(r.latency.primary.p99), h('small', {}, ' primary')),
      `shadow ${fmtMs(r.latency.shadow.p99)} · p50 ${fmtMs(r.latency.primary.p50)} / ${fmtMs(r.latency.shadow.p50)}`,
    ),
  );
}

export async function renderRoute(params) {
  const service = params.get('service');
  const route = params.get('route');
  const d = await api('/api/route', { service, route, range: state.range });
  const r = d.row;
  const page = h(
    'div',
    {},
    crumbs({ text: 'Routes', href: '#/' }, { text: route }),
    h(
      'div',
      { class: 'page-head' },
      h('h1', { class: 'route-name' }, route),
      h('span', { class: 'sub' }, `${service} · ${fmtTime(d.from)} – ${fmtTime(d.to)}`),
    ),
    summary(r),
    findingsPanel(r),
  );
  if (d.series.length > 0) {
    page.append(
      h(
        'div',
        { class: 'panel' },
        h(
          'div',
          { class: 'panel-head' },
          h('h2', {}, 'Verdicts over time'),
          h('span', { class: 'hint' }, `${Math.round(d.bucketMs / 60000)}-minute buckets`),
        ),
        h('div', { class: 'panel-body' }, seriesChart(d.series, d.from, d.to, d.bucketMs)),
      ),
    );
  }
  const fieldsPanel = h('div', { class: 'panel' });
  const examplesPanel = h('div', { class: 'panel examples-panel' });
  page.append(h('div', { class: 'split' }, fieldsPanel, examplesPanel));

  let selected = params.get('kind')
    ? { kind: params.get('kind'), path: params.get('path') ?? '' }
    : null;
  selected ??=
    firstDrifting(d.tree) ??
    (r.outcomes.orphan > 0
      ? { kind: 'outcome', path: 'orphan' }
      : r.outcomes.error > 0
        ? { kind: 'outcome', path: 'error' }
        : null);

  const showExamples = (field) =>
    drawExamples(examplesPanel, {
      service,
      route,
      field,
      isCurrent: () => field === selected,
    }).catch((error) =>
      examplesPanel.replaceChildren(h('div', { class: 'error-box' }, error.message)),
    );
  const redraw = drawFields(fieldsPanel, d, {
    service,
    route,
    selected: () => selected,
    onSelect: (field) => {
      selected = field;
      const q = new URLSearchParams(params);
      q.set('kind', field.kind);
      q.set('path', field.path);
      // Remember the field in the URL without re-rendering the page.
      history.replaceState(null, '', `#/route?${q}`);
      redraw();
      void showExamples(field);
    },
  });
  await showExamples(selected);
  return page;
}
