// Overview: every route with pairs, diff rate (and interval), orphans, errors and latency; sortable.

import { api } from './api.js';
import { h, kpi, link, pairCell, rateCell, rateClass, sevChip } from './dom.js';
import { fieldLabel, fmtAgo, fmtMs, fmtNum, fmtPct, fmtTime } from './format.js';
import { state } from './state.js';

const SEVERITY_RANK = { critical: 0, major: 1, minor: 2, info: 3 };

/** Most severe finding first (a 200 → 503 must not hide behind a frequent minor field). */
function findingsCell(r) {
  const parts = [];
  if (r.worst) {
    parts.push(
      h(
        'span',
        { class: 'finding-worst', title: `most severe finding: ${r.worst.severity}` },
        sevChip(r.worst.severity),
        h('span', { class: 'mono' }, ` ${r.worst.kind} ${fieldLabel(r.worst.kind, r.worst.path)}`),
        h('span', { class: 'faint' }, ` ×${fmtNum(r.worst.count)}`),
      ),
    );
  }
  if (
    r.topPath &&
    (!r.worst || r.topPath.kind !== r.worst.kind || r.topPath.path !== r.worst.path)
  ) {
    parts.push(
      h(
        'span',
        { class: 'finding-top faint', title: 'most frequent drifting field' },
        ` · most frequent ${r.topPath.kind} ${fieldLabel(r.topPath.kind, r.topPath.path)} ×${fmtNum(r.topPath.total)}`,
      ),
    );
  }
  const drift = r.latency.drift;
  if (drift && drift.status === 'slower') {
    parts.push(
      h(
        'span',
        {
          class: 'chip sev-major latency-drift',
          title: `shadow slower on the same requests: median ${drift.ratio.toFixed(2)}x, +${fmtMs(drift.deltaMs)} over ${fmtNum(drift.pairs)} pairs (95% interval ${drift.ratioInterval.low.toFixed(2)}–${drift.ratioInterval.high.toFixed(2)}x)`,
        },
        `latency ${drift.ratio.toFixed(1)}x`,
      ),
    );
  }
  return parts.length > 0 ? parts : [h('span', { class: 'faint' }, '—')];
}

function recountTitle(r) {
  if (!r.recount) return undefined;
  const paths = r.recount.paths.map((p) => `${p.kind} ${p.path}`).join(', ');
  return `Recounted: ${fmtNum(r.recount.pairs)} pairs judged before ${paths || 'a noise decision'} became noise now count as matches (was ${fmtPct(r.recount.before.diffRate)})${r.recount.approximate ? '; approximate' : ''}`;
}

const COLUMNS = [
  { key: 'route', label: 'Route', value: (r) => r.route, text: true },
  {
    key: 'compared',
    label: 'Pairs',
    value: (r) => r.compared,
    num: true,
    title: 'Compared pairs (match + diff)',
  },
  {
    key: 'diffRate',
    label: 'Diff rate',
    value: (r) => r.diffRate ?? -1,
    num: true,
    title: 'diff / compared pairs, with its 95% interval',
  },
  {
    key: 'orphanRate',
    label: 'Orphans',
    value: (r) => r.orphanRate ?? -1,
    num: true,
    title: 'Verdicts with a half missing',
  },
  {
    key: 'errShadow',
    label: 'Errors P / S',
    value: (r) => r.errorRate.shadow ?? -1,
    num: true,
    title: '5xx or no response, primary / shadow',
  },
  { key: 'p50', label: 'p50 P / S', value: (r) => r.latency.shadow.p50 ?? -1, num: true },
  { key: 'p95', label: 'p95 P / S', value: (r) => r.latency.shadow.p95 ?? -1, num: true },
  { key: 'p99', label: 'p99 P / S', value: (r) => r.latency.shadow.p99 ?? -1, num: true },
  {
    key: 'top',
    label: 'Findings',
    value: (r) => (r.worst ? (4 - SEVERITY_RANK[r.worst.severity]) * 1e9 + r.worst.count : 0),
    title: 'The most severe finding (then the most frequent field, and latency drift)',
  },
  { key: 'lastSeen', label: 'Last seen', value: (r) => r.lastSeen ?? 0, num: true },
];

function sortRows(rows) {
  const col = COLUMNS.find((c) => c.key === state.sort.key) || COLUMNS[1];
  return [...rows].sort((a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    const cmp = col.text ? String(va).localeCompare(String(vb)) : va - vb;
    return cmp * state.sort.dir || b.compared - a.compared || a.route.localeCompare(b.route);
  });
}

function header(draw) {
  const row = h('tr', {});
  for (const c of COLUMNS) {
    const active = state.sort.key === c.key;
    row.append(
      h(
        'th',
        {
          class: `sortable ${c.num ? 'num' : ''}`,
          title: c.title,
          dataset: { key: c.key },
          'aria-sort': active ? (state.sort.dir > 0 ? 'ascending' : 'descending') : 'none',
          onclick: () => {
            state.sort = { key: c.key, dir: active ? -state.sort.dir : c.text ? 1 : -1 };
            draw();
          },
        },
        c.label,
        h('span', { class: 'arrow' }, active ? (state.sort.dir > 0 ? '▲' : '▼') : ''),
      ),
    );
  }
  return row;
}

function routeRow(r, showService) {
  const href = link('route', { service: r.service, route: r.route });
  return h(
    'tr',
    {
      class: 'clickable',
      dataset: { route: r.route, service: r.service },
      onclick: (e) => {
        if (!e.target.closest('a')) location.hash = href;
      },
    },
    h(
      'td',
      {},
      h('a', { class: 'route-name', href }, r.route),
      showService ? h('span', { class: 'svc-tag' }, r.service) : null,
    ),
    h(
      'td',
      {
        class: 'num',
        title: `${fmtNum(r.pairs)} verdicts · ${fmtNum(r.unmirrored)} requests not mirrored`,
      },
      fmtNum(r.compared),
    ),
    h(
      'td',
      {
        class: `num diff-rate${r.recount ? ' recounted' : ''}`,
        ...(r.recount ? { title: recountTitle(r) } : {}),
      },
      r.compared === 0 && (r.unmirrored > 0 || r.missing.shadow > 0)
        ? h(
            'span',
            {
              class: 'chip neutral not-mirrored',
              title: 'Seen by the primary, never compared with the shadow',
            },
            `not mirrored · ${fmtNum(r.unmirrored + (r.missing.shadow ?? 0))} requests`,
          )
        : rateCell(r.diffRate, r.diffInterval, r.compared),
    ),
    h('td', { class: 'num', title: `${fmtNum(r.outcomes.orphan)} orphans` }, fmtPct(r.orphanRate)),
    h(
      'td',
      { class: 'num' },
      pairCell(r.errorRate.primary, r.errorRate.shadow, (x) => fmtPct(x), 0.005),
    ),
    h('td', { class: 'num' }, pairCell(r.latency.primary.p50, r.latency.shadow.p50, fmtMs)),
    h('td', { class: 'num' }, pairCell(r.latency.primary.p95, r.latency.shadow.p95, fmtMs)),
    h('td', { class: 'num' }, pairCell(r.latency.primary.p99, r.latency.shadow.p99, fmtMs)),
    h('td', { class: 'route-findings' }, findingsCell(r)),
    h(
      'td',
      { class: 'num muted', title: r.lastSeen ? new Date(r.lastSeen).toISOString() : '' },
      r.lastSeen ? fmtAgo(r.lastSeen) : '—',
    ),
  );
}

function summary(data) {
  const t = data.totals;
  return h(
    'div',
    { class: 'kpis' },
    kpi(
      'Compared pairs',
      fmtNum(t.compared),
      `${fmtNum(t.pairs)} verdicts · ${data.rows.length} routes`,
    ),
    kpi(
      'Diff rate',
      fmtPct(t.diffRate),
      t.compared > 0
        ? `95% CI ${fmtPct(t.diffInterval.low)} – ${fmtPct(t.diffInterval.high)}`
        : 'no pairs yet',
      rateClass(t.diffRate) === 'bad' ? 'bad' : '',
    ),
    kpi(
      'Orphan rate',
      fmtPct(t.orphanRate),
      `${fmtNum(t.outcomes.orphan)} orphans · ${fmtNum(t.late)} late`,
    ),
    kpi(
      'Error rate',
      h('span', {}, fmtPct(t.errorRate.primary), h('small', {}, ' primary')),
      `shadow ${fmtPct(t.errorRate.shadow)}`,
    ),
    kpi(
      'p99 latency',
      h('span', {}, fmtMs(t.latency.primary.p99), h('small', {}, ' primary')),
      `shadow ${fmtMs(t.latency.shadow.p99)} · p95 ${fmtMs(t.latency.primary.p95)} / ${fmtMs(t.latency.shadow.p95)}`,
    ),
    latencyKpi(data.rows),
  );
}

function latencyKpi(rows) {
  const slower = rows.filter((r) => r.latency.drift?.status === 'slower');
  const checked = rows.filter((r) => r.latency.drift && r.latency.drift.status !== 'insufficient');
  return kpi(
    'Latency drift',
    fmtNum(slower.length),
    slower.length > 0
      ? `slower: ${slower
          .map((r) => r.route)
          .slice(0, 3)
          .join(', ')}${slower.length > 3 ? '…' : ''}`
      : `routes slower on the shadow (${fmtNum(checked.length)} checked)`,
    slower.length > 0 ? 'bad' : '',
  );
}

export async function renderOverview() {
  const data = await api('/api/overview', { range: state.range });
  const showService = new Set(data.rows.map((r) => r.service)).size > 1;
  const search = h('input', {
    type: 'search',
    placeholder: 'Filter routes…',
    value: state.filter,
    'aria-label': 'Filter routes',
  });
  const count = h('span', { class: 'count' });
  const wrap = h('div', { class: 'table-wrap' });
  const draw = () => {
    const needle = state.filter.toLowerCase();
    const rows = sortRows(
      data.rows.filter(
        (r) =>
          !needle ||
          r.route.toLowerCase().includes(needle) ||
          r.service.toLowerCase().includes(needle),
      ),
    );
    count.textContent = `${rows.length} of ${data.rows.length} routes`;
    if (data.rows.length === 0) {
      wrap.replaceChildren(
        h(
          'div',
          { class: 'empty' },
          'No verdicts in this range yet. Traffic mirrored through a tap shows up here within seconds of being judged.',
        ),
      );
      return;
    }
    wrap.replaceChildren(
      h(
        'table',
        { class: 'grid routes' },
        h('thead', {}, header(draw)),
        h(
          'tbody',
          {},
          rows.map((r) => routeRow(r, showService)),
        ),
      ),
    );
  };
  search.addEventListener('input', () => {
    state.filter = search.value;
    draw();
  });
  draw();
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Routes'),
      h('span', { class: 'sub' }, `${fmtTime(data.from)} – ${fmtTime(data.to)}`),
    ),
    summary(data),
    h('div', { class: 'panel' }, h('div', { class: 'toolbar' }, search, count), wrap),
  );
}
