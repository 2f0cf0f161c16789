// shadowdiff console: a small hash-routed UI over /api/*. Plain ES module, no build step.
// Everything captured from traffic (bodies, headers, URLs) is untrusted: it only ever reaches the
// page through textContent, never innerHTML.

const app = document.getElementById('app');
const rangeSelect = document.getElementById('range');
const TOKEN_KEY = 'shadowdiff.console.token';
const RANGE_KEY = 'shadowdiff.console.range';
const SEVERITIES = ['critical', 'major', 'minor', 'info'];

const state = {
  meta: null,
  range: localStorage.getItem(RANGE_KEY) || '1h',
  sort: { key: 'compared', dir: -1 },
  filter: '',
  noiseFilter: 'learned',
  renderId: 0,
};

// ---------------------------------------------------------------- DOM and formatting helpers

/** h('div', { class: 'x', onclick: fn, dataset: {a: 1} }, 'text', child) */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const svgNs = 'http://www.w3.org/2000/svg';
function svg(tag, attrs) {
  const el = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

const nf = new Intl.NumberFormat('en-US');
const fmtNum = (x) => (x === null || x === undefined ? '—' : nf.format(x));
function fmtPct(x, digits = 2) {
  if (x === null || x === undefined) return '—';
  if (x > 0 && x * 100 < 10 ** -digits) return `<${(10 ** -digits).toFixed(digits)}%`;
  return `${(x * 100).toFixed(digits)}%`;
}
function fmtMs(x) {
  if (x === null || x === undefined) return '—';
  if (x < 10) return `${x.toFixed(1)} ms`;
  if (x < 10_000) return `${Math.round(x)} ms`;
  return `${(x / 1000).toFixed(1)} s`;
}
function fmtTime(at) {
  const d = new Date(at);
  const today = new Date().toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString([], { hour12: false })
    : d.toLocaleString([], {
        hour12: false,
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}
function fmtAgo(at, now = Date.now()) {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}
function fieldLabel(kind, path) {
  if (kind === 'status') return 'status';
  if (kind === 'header') return path;
  if (kind === 'outcome') return path;
  return path === '' ? '(body)' : path;
}
function shortValue(v, max = 120) {
  if (v === undefined) return '(absent)';
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
function sevChip(sev, count) {
  return h(
    'span',
    { class: `chip sev-${sev}`, title: sev },
    count === undefined ? sev : `${sev} ${fmtNum(count)}`,
  );
}
function rateClass(rate) {
  if (rate === null || rate === undefined) return '';
  if (rate >= 0.05) return 'bad';
  if (rate >= 0.005) return 'warn';
  return '';
}
function rateCell(rate, interval, compared) {
  const bar = h('span', { class: 'bar' }, h('i'));
  bar.firstChild.style.width = `${Math.min(100, Math.max(rate ? 2 : 0, (rate || 0) * 100))}%`;
  return h(
    'div',
    {},
    h(
      'div',
      { class: `rate ${rateClass(rate)}` },
      bar,
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
function pairCell(p, s, fmt, worseIfHigher = true) {
  const worse = p !== null && s !== null && worseIfHigher && s > p * 1.2 && s - p > 0.5;
  return h(
    'span',
    { class: 'pair' },
    h('span', {}, fmt(p)),
    h('span', { class: 'sep' }, '/'),
    h('span', { class: worse ? 'worse' : '' }, fmt(s)),
  );
}
function kpi(label, value, note, cls) {
  return h(
    'div',
    { class: `kpi ${cls || ''}` },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    note ? h('div', { class: 'note' }, note) : null,
  );
}
function crumbs(...items) {
  const el = h('div', { class: 'crumbs' });
  items.forEach((item, i) => {
    if (i > 0) el.append(h('span', { class: 'sep' }, '/'));
    el.append(item.href ? h('a', { href: item.href }, item.text) : h('span', {}, item.text));
  });
  return el;
}
function link(view, params) {
  const q = new URLSearchParams(params);
  return `#/${view}${q.toString() ? `?${q}` : ''}`;
}

// ---------------------------------------------------------------- API

class ApiError extends Error {}

function askToken() {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  input.value = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        const token = input.value.trim();
        if (token) sessionStorage.setItem(TOKEN_KEY, token);
        resolve(Boolean(token));
      },
      { once: true },
    );
    dialog.showModal();
    input.focus();
  });
}

async function api(path, params = {}, init = {}) {
  const q = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null),
  );
  const url = `${path}${q.toString() ? `?${q}` : ''}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = { accept: 'application/json', ...(init.headers || {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url, { ...init, headers });
    if (res.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      if (!(await askToken())) throw new ApiError('A bearer token is needed to read this console.');
      continue;
    }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new ApiError(body.error || `${res.status} ${res.statusText}`);
    return body;
  }
  throw new ApiError('The token was refused.');
}

// ---------------------------------------------------------------- router

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [view, query] = hash.split('?');
  return { view: view || 'overview', params: new URLSearchParams(query || '') };
}

async function render() {
  const id = ++state.renderId;
  const { view, params } = route();
  const fromHash = params.get('range');
  if (fromHash && fromHash !== state.range) setRange(fromHash, false);
  for (const a of document.querySelectorAll('.tabs a')) {
    a.classList.toggle('active', a.dataset.tab === (view === 'noise' ? 'noise' : 'overview'));
  }
  const views = {
    overview: renderOverview,
    route: renderRoute,
    example: renderExample,
    noise: renderNoise,
  };
  const fn = views[view] || renderOverview;
  try {
    if (!state.meta) {
      state.meta = await api('/api/meta');
      document.getElementById('service').textContent = state.meta.service;
    }
    const content = await fn(params);
    if (id !== state.renderId) return; // a newer navigation won
    app.replaceChildren(content);
    document.body.dataset.view = view;
    document.body.dataset.ready = String(id);
  } catch (error) {
    if (id !== state.renderId) return;
    app.replaceChildren(
      h(
        'div',
        { class: 'error-box' },
        error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`,
      ),
    );
  }
}

function setRange(range, persist = true) {
  state.range = range;
  if (![...rangeSelect.options].some((o) => o.value === range))
    rangeSelect.append(h('option', { value: range }, `Last ${range}`));
  rangeSelect.value = range;
  if (persist) localStorage.setItem(RANGE_KEY, range);
}

// ---------------------------------------------------------------- overview

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
  { key: 'top', label: 'Top drifting field', value: (r) => r.topPath?.total ?? 0, num: false },
  { key: 'lastSeen', label: 'Last seen', value: (r) => r.lastSeen ?? 0, num: true },
];

function sortRows(rows) {
  const col = COLUMNS.find((c) => c.key === state.sort.key) || COLUMNS[1];
  const dir = state.sort.dir;
  return [...rows].sort((a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    const cmp = col.text ? String(va).localeCompare(String(vb)) : va - vb;
    return cmp * dir || b.compared - a.compared || a.route.localeCompare(b.route);
  });
}

async function renderOverview() {
  const data = await api('/api/overview', { range: state.range });
  const t = data.totals;
  const services = new Set(data.rows.map((r) => r.service));
  const page = h('div', {});
  page.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Routes'),
      h('span', { class: 'sub' }, `${fmtTime(data.from)} – ${fmtTime(data.to)}`),
    ),
    h(
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
    ),
  );

  const panel = h('div', { class: 'panel' });
  const search = h('input', {
    type: 'search',
    placeholder: 'Filter routes…',
    value: state.filter,
    'aria-label': 'Filter routes',
  });
  const count = h('span', { class: 'count' });
  panel.append(h('div', { class: 'toolbar' }, search, count));
  const wrap = h('div', { class: 'table-wrap' });
  panel.append(wrap);
  page.append(panel);

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
    const head = h('tr', {});
    for (const c of COLUMNS) {
      const active = state.sort.key === c.key;
      head.append(
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
    const body = h('tbody', {});
    for (const r of rows) {
      const href = link('route', { service: r.service, route: r.route });
      body.append(
        h(
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
            services.size > 1 ? h('span', { class: 'svc-tag' }, r.service) : null,
          ),
          h('td', { class: 'num', title: `${fmtNum(r.pairs)} verdicts` }, fmtNum(r.compared)),
          h('td', { class: 'num diff-rate' }, rateCell(r.diffRate, r.diffInterval, r.compared)),
          h(
            'td',
            { class: 'num', title: `${fmtNum(r.outcomes.orphan)} orphans` },
            fmtPct(r.orphanRate),
          ),
          h(
            'td',
            { class: 'num' },
            pairCell(r.errorRate.primary, r.errorRate.shadow, (x) => fmtPct(x)),
          ),
          h('td', { class: 'num' }, pairCell(r.latency.primary.p50, r.latency.shadow.p50, fmtMs)),
          h('td', { class: 'num' }, pairCell(r.latency.primary.p95, r.latency.shadow.p95, fmtMs)),
          h('td', { class: 'num' }, pairCell(r.latency.primary.p99, r.latency.shadow.p99, fmtMs)),
          h(
            'td',
            {},
            r.topPath
              ? h(
                  'span',
                  { class: 'mono' },
                  `${r.topPath.kind} ${fieldLabel(r.topPath.kind, r.topPath.path)}`,
                  h('span', { class: 'faint' }, ` ×${fmtNum(r.topPath.total)}`),
                )
              : h('span', { class: 'faint' }, '—'),
          ),
          h(
            'td',
            { class: 'num muted', title: r.lastSeen ? new Date(r.lastSeen).toISOString() : '' },
            r.lastSeen ? fmtAgo(r.lastSeen) : '—',
          ),
        ),
      );
    }
    wrap.replaceChildren(h('table', { class: 'grid routes' }, h('thead', {}, head), body));
  };
  search.addEventListener('input', () => {
    state.filter = search.value;
    draw();
  });
  draw();
  return page;
}

// ---------------------------------------------------------------- route detail

function seriesChart(series, from, to, bucketMs) {
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
  const colors = { match: '#b7e4c7', diff: '#f04438', orphan: '#fdb022', error: '#7a5af8' };
  for (const s of series) {
    const i = Math.floor((s.at - start) / bucketMs);
    let y = height;
    for (const o of ['match', 'diff', 'orphan', 'error']) {
      const n = s.outcomes[o] || 0;
      if (!n) continue;
      const bh = (n / max) * (height - 2);
      y -= bh;
      const rect = svg('rect', {
        x: i * w + w * 0.1,
        y,
        width: Math.max(1, w * 0.8),
        height: bh,
        fill: colors[o],
      });
      rect.append(svg('title', {}));
      rect.firstChild.textContent = `${new Date(s.at).toLocaleTimeString([], { hour12: false })} ${o}: ${n}`;
      chart.append(rect);
    }
  }
  const axis = h(
    'div',
    { class: 'series-axis' },
    h('span', {}, fmtTime(start)),
    h('span', {}, fmtTime(to)),
  );
  const legend = h('div', { class: 'legend' });
  for (const [o, c] of Object.entries(colors)) {
    const dot = h('i');
    dot.style.background = c;
    legend.append(h('span', {}, dot, o));
  }
  return h('div', {}, chart, axis, legend);
}

function flattenTree(nodes, depth, out, collapsed) {
  for (const n of nodes) {
    out.push({ node: n, depth });
    const key = `${n.kind}:${n.path ?? n.name}:${depth}`;
    if (!collapsed.has(key)) flattenTree(n.children, depth + 1, out, collapsed);
  }
  return out;
}

async function renderRoute(params) {
  const service = params.get('service');
  const routeName = params.get('route');
  const d = await api('/api/route', { service, route: routeName, range: state.range });
  const r = d.row;
  const page = h('div', {});
  page.append(
    crumbs({ text: 'Routes', href: '#/' }, { text: routeName }),
    h(
      'div',
      { class: 'page-head' },
      h('h1', { class: 'route-name' }, routeName),
      h('span', { class: 'sub' }, `${service} · ${fmtTime(d.from)} – ${fmtTime(d.to)}`),
    ),
    h(
      'div',
      { class: 'kpis' },
      kpi(
        'Compared pairs',
        fmtNum(r.compared),
        `${fmtNum(r.pairs)} verdicts · ${fmtNum(r.late)} late`,
      ),
      kpi(
        'Diff rate',
        fmtPct(r.diffRate),
        r.compared > 0
          ? `95% CI ${fmtPct(r.diffInterval.low)} – ${fmtPct(r.diffInterval.high)}`
          : 'no pairs',
        rateClass(r.diffRate) === 'bad' ? 'bad' : '',
      ),
      kpi(
        'Orphan rate',
        fmtPct(r.orphanRate),
        Object.entries(r.missing)
          .map(([role, n]) => `${fmtNum(n)} missing ${role}`)
          .join(' · ') || 'none missing',
      ),
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
    ),
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

  const examplesPanel = h('div', { class: 'panel examples-panel' });
  const treePanel = h('div', { class: 'panel' });
  const grid = h('div', { class: 'split' }, treePanel, examplesPanel);
  grid.style.marginTop = '16px';
  page.append(grid);

  let selected = params.get('kind')
    ? { kind: params.get('kind'), path: params.get('path') ?? '' }
    : null;
  const firstPath = (nodes) => {
    for (const n of nodes) {
      if (n.path !== null && n.total > 0) return { kind: n.kind, path: n.path };
      const inner = firstPath(n.children);
      if (inner) return inner;
    }
    return null;
  };
  selected =
    selected ||
    firstPath(d.tree) ||
    (r.outcomes.orphan > 0
      ? { kind: 'outcome', path: 'orphan' }
      : r.outcomes.error > 0
        ? { kind: 'outcome', path: 'error' }
        : null);

  const collapsed = new Set();
  const drawTree = () => {
    treePanel.replaceChildren(
      h(
        'div',
        { class: 'panel-head' },
        h('h2', {}, 'Fields'),
        h('span', { class: 'hint' }, 'diffs after noise removal · click a field for examples'),
      ),
    );
    if (d.tree.length === 0) {
      treePanel.append(
        h(
          'div',
          { class: 'empty' },
          r.compared > 0 ? 'No field drifted in this range.' : 'No compared pairs in this range.',
        ),
      );
    } else {
      const body = h('tbody', {});
      for (const { node: n, depth } of flattenTree(d.tree, 0, [], collapsed)) {
        const key = `${n.kind}:${n.path ?? n.name}:${depth}`;
        const isSel =
          selected && n.path !== null && selected.kind === n.kind && selected.path === n.path;
        const clickable = n.path !== null && n.total > 0;
        const toggle =
          n.children.length > 0
            ? h(
                'span',
                {
                  class: 'toggle',
                  onclick: (e) => {
                    e.stopPropagation();
                    if (collapsed.has(key)) collapsed.delete(key);
                    else collapsed.add(key);
                    drawTree();
                  },
                },
                collapsed.has(key) ? '▸' : '▾',
              )
            : h('span', { class: 'toggle' }, '');
        const name = h('td', { class: 'field' }, toggle, depth === 0 ? n.name : n.name);
        name.style.paddingLeft = `${12 + depth * 16}px`;
        const sev = h(
          'span',
          { class: 'chips' },
          SEVERITIES.filter((s) => n.bySeverity[s]).map((s) => sevChip(s, n.bySeverity[s])),
        );
        const noise = h('span', { class: 'chips' });
        if (n.suppressed > 0)
          noise.append(
            h(
              'span',
              {
                class: 'chip noise',
                title: Object.entries(n.suppressedBy)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', '),
              },
              `suppressed ${fmtNum(n.suppressed)}`,
            ),
          );
        if (n.noise)
          noise.append(
            h(
              'a',
              {
                class: `chip ${n.noise.state === 'rejected' ? 'neutral' : 'noise'}`,
                href: link('noise', { route: routeName, service }),
              },
              n.noise.state,
            ),
          );
        body.append(
          h(
            'tr',
            {
              class: `${depth === 0 ? 'group' : ''} ${n.path !== null ? 'has-path' : ''} ${clickable ? 'leaf-path clickable' : ''} ${isSel ? 'selected' : ''}`,
              dataset: { kind: n.kind, path: n.path ?? '' },
              onclick: clickable ? () => select({ kind: n.kind, path: n.path }) : undefined,
            },
            name,
            h(
              'td',
              { class: 'num' },
              n.subtotal > 0
                ? fmtNum(n.total > 0 ? n.total : n.subtotal)
                : h('span', { class: 'faint' }, '0'),
            ),
            h('td', { class: 'num' }, n.total > 0 ? fmtPct(n.rate, 1) : ''),
            h('td', {}, sev),
            h('td', {}, noise),
          ),
        );
      }
      treePanel.append(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'grid tree' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, 'Field'),
                h('th', { class: 'num' }, 'Diffs'),
                h('th', { class: 'num' }, 'Share'),
                h('th', {}, 'Severity'),
                h('th', {}, 'Noise'),
              ),
            ),
            body,
          ),
        ),
      );
    }
    const extra = h('div', { class: 'panel-body' });
    if (r.outcomes.orphan > 0)
      extra.append(
        h(
          'a',
          {
            href: '#',
            onclick: (e) => {
              e.preventDefault();
              select({ kind: 'outcome', path: 'orphan' });
            },
          },
          `Orphans (${fmtNum(r.outcomes.orphan)})`,
        ),
        ' ',
      );
    if (r.outcomes.error > 0)
      extra.append(
        h(
          'a',
          {
            href: '#',
            onclick: (e) => {
              e.preventDefault();
              select({ kind: 'outcome', path: 'error' });
            },
          },
          `Errors (${fmtNum(r.outcomes.error)})`,
        ),
      );
    if (extra.childNodes.length) treePanel.append(extra);
  };

  const drawExamples = async () => {
    if (!selected) {
      examplesPanel.replaceChildren(
        h('div', { class: 'panel-head' }, h('h2', {}, 'Examples')),
        h('div', { class: 'empty' }, 'Pick a field to see example pairs.'),
      );
      return;
    }
    const sel = selected;
    examplesPanel.replaceChildren(
      h(
        'div',
        { class: 'panel-head' },
        h('h2', {}, 'Examples'),
        h('span', { class: 'hint mono' }, `${sel.kind} ${fieldLabel(sel.kind, sel.path)}`),
      ),
      h('div', { class: 'empty' }, 'Loading…'),
    );
    const { examples } = await api('/api/examples', {
      service,
      route: routeName,
      kind: sel.kind,
      path: sel.path,
      limit: 20,
    });
    if (sel !== selected) return;
    const list = h('div', { class: 'examples-list' });
    if (examples.length === 0)
      list.append(
        h(
          'div',
          { class: 'empty' },
          'No stored example for this field (they age out after 7 days).',
        ),
      );
    for (const e of examples) {
      const href = link('example', {
        service,
        route: routeName,
        kind: sel.kind,
        path: sel.path,
        trace: e.traceId,
      });
      list.append(
        h(
          'a',
          { class: 'example', href, dataset: { trace: e.traceId } },
          h(
            'div',
            { class: 'line1' },
            h('span', { class: 'trace' }, e.traceId),
            h('span', {}, `${e.outcome} · ${fmtTime(e.decidedAt)}`),
          ),
          e.finding
            ? h(
                'div',
                { class: 'values' },
                h('span', { class: 'val-primary' }, shortValue(e.finding.primary, 60)),
                h('span', { class: 'arrow-sep' }, '→'),
                h('span', { class: 'val-shadow' }, shortValue(e.finding.shadow, 60)),
              )
            : h(
                'div',
                { class: 'values muted' },
                `status ${e.status.primary ?? '—'} / ${e.status.shadow ?? '—'}`,
              ),
        ),
      );
    }
    examplesPanel.replaceChildren(examplesPanel.firstChild, list);
  };

  const select = (sel) => {
    selected = sel;
    const q = new URLSearchParams(params);
    q.set('kind', sel.kind);
    q.set('path', sel.path);
    history.replaceState(null, '', `#/route?${q}`);
    drawTree();
    drawExamples().catch((error) =>
      examplesPanel.replaceChildren(h('div', { class: 'error-box' }, error.message)),
    );
  };

  drawTree();
  await drawExamples();
  return page;
}

// ---------------------------------------------------------------- example view

/** Compiles diff paths (JSON pointers with `*`) into matchers over pointer segment arrays. */
function pointerMatchers(diffs) {
  return diffs
    .filter((d) => d.kind === 'body')
    .map((d) => ({
      diff: d,
      segments:
        d.path === ''
          ? []
          : d.path
              .slice(1)
              .split('/')
              .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')),
    }));
}

function matchPointer(matchers, segments) {
  for (const m of matchers) {
    if (m.segments.length !== segments.length) continue;
    if (m.segments.every((s, i) => s === '*' || s === String(segments[i]))) return m.diff;
  }
  return undefined;
}

const MAX_LINES = 4000;

function renderJson(value, diffs, suppressed) {
  const matchers = pointerMatchers(diffs);
  const noise = pointerMatchers(suppressed.map((s) => ({ ...s, severity: 'info' })));
  const pre = h('div', { class: 'code json' });
  let lines = 0;
  let current = [];
  const line = (indent, parts, hl) => {
    lines++;
    if (lines > MAX_LINES) return;
    const sup = !hl && current.length ? matchPointer(noise, current) : undefined;
    const cls = hl ? ` hl sev-${hl.severity}` : sup ? ' sup' : '';
    const el = h('div', {
      class: `ln${cls}`,
      dataset: hl ? { path: hl.path } : sup ? { noise: sup.reason } : undefined,
      title: sup ? `suppressed as noise (${sup.reason})` : undefined,
    });
    el.append('  '.repeat(indent), ...parts);
    if (sup) el.querySelector('.k')?.setAttribute('data-noise', sup.reason);
    pre.append(el);
  };
  const scalar = (v) => {
    if (typeof v === 'string') return h('span', { class: 's' }, JSON.stringify(v));
    if (typeof v === 'number') return h('span', { class: 'n' }, String(v));
    return h('span', { class: 'b' }, String(v));
  };
  const walk = (v, segs, key, indent, comma, inherited) => {
    current = segs;
    const hl = matchPointer(matchers, segs) || inherited;
    const prefix =
      key === null
        ? []
        : [h('span', { class: 'k' }, JSON.stringify(key)), h('span', { class: 'p' }, ': ')];
    const tail = comma ? [h('span', { class: 'p' }, ',')] : [];
    if (v !== null && typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
      const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0)
        return line(indent, [...prefix, h('span', { class: 'p' }, open + close), ...tail], hl);
      line(indent, [...prefix, h('span', { class: 'p' }, open)], hl);
      entries.forEach(([k, x], i) =>
        walk(x, [...segs, k], Array.isArray(v) ? null : k, indent + 1, i < entries.length - 1, hl),
      );
      current = [];
      line(indent, [h('span', { class: 'p' }, close), ...tail], hl);
    } else {
      line(indent, [...prefix, scalar(v), ...tail], hl);
    }
  };
  walk(value, [], null, 0, false, undefined);
  if (lines > MAX_LINES)
    pre.append(
      h('div', { class: 'ln muted' }, `… ${fmtNum(lines - MAX_LINES)} more lines not shown`),
    );
  return pre;
}

function bodyBlock(side, diffs, suppressed) {
  const wrap = h('div', {});
  const f = side.bodyFacts;
  const notes = [];
  if (f.truncated)
    notes.push(`truncated by the tap: ${fmtNum(f.captured)} of ${fmtNum(f.size)} bytes captured`);
  if (f.contentEncoding) notes.push(`content-encoding ${f.contentEncoding}`);
  if (f.decodeError) notes.push(`could not decode: ${f.decodeError}`);
  if (f.redaction) notes.push(`body ${f.redaction} by the tap`);
  wrap.append(
    h(
      'div',
      { class: 'section-title' },
      'Body',
      f.size ? h('span', { class: 'faint' }, ` · ${fmtNum(f.size)} bytes`) : null,
    ),
  );
  if (notes.length) wrap.append(h('div', { class: 'body-notes' }, notes.join(' · ')));
  const rootDiff = diffs.find((d) => d.kind === 'body' && d.path === '');
  switch (side.body.kind) {
    case 'empty':
      wrap.append(
        h(
          'div',
          { class: `code text${rootDiff ? ' hl-all' : ''}` },
          h('span', { class: 'faint' }, '(empty)'),
        ),
      );
      break;
    case 'json':
      wrap.append(
        renderJson(
          side.body.value,
          diffs,
          suppressed.filter((x) => x.kind === 'body'),
        ),
      );
      break;
    case 'text':
      wrap.append(
        h(
          'pre',
          {
            class: `code text${rootDiff ? ' hl-all' : ''}`,
            dataset: rootDiff ? { path: '' } : undefined,
          },
          side.body.text,
          side.body.cut ? '\n… (cut for display)' : '',
        ),
      );
      break;
    case 'binary':
      wrap.append(
        h(
          'div',
          { class: `code text${rootDiff ? ' hl-all' : ''}` },
          `binary, ${fmtNum(side.body.size)} bytes, sha256 ${side.body.sha256}`,
        ),
      );
      break;
  }
  return wrap;
}

function sidePanel(role, side, ex) {
  const panel = h('div', { class: `panel side ${role}`, dataset: { role } });
  if (!side) {
    const missing = ex.missingRoles.includes(role);
    panel.append(
      h('div', { class: 'side-head' }, h('span', { class: `role ${role}` }, role)),
      h(
        'div',
        { class: 'empty' },
        missing
          ? `No ${role} half arrived within the alignment window.`
          : 'This half could not be decoded.',
      ),
    );
    return panel;
  }
  const statusDiff = ex.diffs.find((d) => d.kind === 'status');
  const cls = side.status === null ? 'err' : `s${String(side.status)[0]}`;
  panel.append(
    h(
      'div',
      { class: 'side-head' },
      h('span', { class: `role ${role}` }, role),
      h(
        'span',
        { class: `status-pill ${cls}${statusDiff ? ' hl' : ''}` },
        side.status === null ? `no response (${side.error?.kind ?? 'error'})` : String(side.status),
      ),
      h('span', { class: 'side-meta' }, `${fmtMs(side.durationMs)} · ${side.tapId}`),
    ),
  );
  if (side.error)
    panel.append(
      h('div', { class: 'body-notes' }, `upstream ${side.error.kind}: ${side.error.message}`),
    );
  const headerDiffs = new Map(
    ex.diffs.filter((d) => d.kind === 'header').map((d) => [d.path.toLowerCase(), d]),
  );
  const headerNoise = new Map(
    ex.suppressed.filter((d) => d.kind === 'header').map((d) => [d.path.toLowerCase(), d]),
  );
  const names = Object.keys(side.headers).sort();
  const rows = h('tbody', {});
  for (const name of names) {
    const d = headerDiffs.get(name.toLowerCase());
    const sup = !d && headerNoise.get(name.toLowerCase());
    rows.append(
      h(
        'tr',
        {
          class: d ? `hl sev-${d.severity}` : sup ? 'sup' : '',
          dataset: d ? { path: d.path } : undefined,
          title: sup ? `suppressed as noise (${sup.reason})` : undefined,
        },
        h('td', { class: 'name' }, name),
        h('td', {}, side.headers[name]),
      ),
    );
  }
  panel.append(
    h('div', { class: 'section-title' }, 'Headers'),
    names.length
      ? h('table', { class: 'headers' }, rows)
      : h('div', { class: 'body-notes' }, '(none)'),
  );
  panel.append(bodyBlock(side, ex.diffs, ex.suppressed));
  return panel;
}

async function renderExample(params) {
  const service = params.get('service');
  const routeName = params.get('route');
  const kind = params.get('kind');
  const path = params.get('path') ?? '';
  const trace = params.get('trace');
  const ex = await api('/api/example', { service, route: routeName, kind, path, trace });
  const page = h('div', {});
  const backToRoute = link('route', { service, route: routeName, kind, path });
  page.append(
    crumbs({ text: 'Routes', href: '#/' }, { text: routeName, href: backToRoute }, { text: trace }),
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Example pair'),
      h(
        'span',
        {
          class: `chip ${ex.outcome === 'match' ? 'ok' : ex.outcome === 'diff' ? 'sev-critical' : 'sev-major'}`,
        },
        ex.outcome,
      ),
      h('span', { class: 'sub mono' }, ex.traceId),
      h('span', { class: 'sub' }, `decided ${fmtTime(ex.decidedAt)}`),
    ),
  );
  const findings = h('div', { class: 'findings' });
  if (ex.diffs.length === 0)
    findings.append(
      h(
        'div',
        { class: 'muted' },
        ex.outcome === 'orphan' ? `Orphan: missing ${ex.missingRoles.join(', ')}.` : 'No findings.',
      ),
    );
  for (const d of ex.diffs) {
    findings.append(
      h(
        'div',
        { class: 'finding', dataset: { kind: d.kind, path: d.path } },
        sevChip(d.severity),
        h(
          'span',
          { class: 'where' },
          `${d.kind} ${fieldLabel(d.kind, d.path)}`,
          h('span', { class: 'faint' }, ` ${d.op}`),
        ),
        h(
          'span',
          { class: 'change' },
          h('span', { class: 'val-primary' }, shortValue(d.primary)),
          h('span', { class: 'arrow-sep' }, '→'),
          h('span', { class: 'val-shadow' }, shortValue(d.shadow)),
        ),
      ),
    );
  }
  if (ex.suppressed.length) {
    findings.append(
      h(
        'div',
        { class: 'muted' },
        `Suppressed as noise: ${ex.suppressed.map((s) => `${s.kind} ${fieldLabel(s.kind, s.path)} (${s.reason})`).join(', ')}`,
      ),
    );
  }
  page.append(
    h(
      'div',
      { class: 'panel' },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', {}, 'Findings'),
        h('span', { class: 'hint' }, `${ex.diffs.length} after noise removal`),
      ),
      h('div', { class: 'panel-body' }, findings),
    ),
  );
  const req = (ex.sides.primary || ex.sides.shadow)?.request;
  const sides = h(
    'div',
    { class: 'sides' },
    sidePanel('primary', ex.sides.primary, ex),
    sidePanel('shadow', ex.sides.shadow, ex),
  );
  if (req)
    page.append(
      h(
        'div',
        { class: 'panel' },
        h('div', { class: 'request-line', title: req.url }, `${req.method} ${req.url}`),
      ),
    );
  page.append(sides);
  return page;
}

// ---------------------------------------------------------------- noise panel

async function renderNoise(params) {
  const routeFilter = params.get('route') || undefined;
  const data = await api('/api/noise', { route: routeFilter });
  const page = h('div', {});
  page.append(
    crumbs({ text: 'Routes', href: '#/' }, { text: 'Noise' }),
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Learned noise'),
      h(
        'span',
        { class: 'sub' },
        routeFilter
          ? `route ${routeFilter}`
          : 'fields that change on nearly every pair and are suppressed automatically',
      ),
    ),
  );
  const panel = h('div', { class: 'panel' });
  page.append(panel);
  if (!data.connected) {
    panel.append(h('div', { class: 'empty' }, 'Noise learning is not connected to this console.'));
    return page;
  }
  const entries = data.entries;
  const tabs = h('div', { class: 'filter-tabs' });
  const wrap = h('div', { class: 'table-wrap' });
  const counts = { learned: 0, confirmed: 0, rejected: 0 };
  for (const e of entries) counts[e.state]++;
  const draw = () => {
    tabs.replaceChildren(
      ...[
        ['learned', `To review (${counts.learned})`],
        ['confirmed', `Confirmed (${counts.confirmed})`],
        ['rejected', `Rejected (${counts.rejected})`],
        ['all', `All (${entries.length})`],
      ].map(([k, label]) =>
        h(
          'button',
          {
            type: 'button',
            class: state.noiseFilter === k ? 'active' : '',
            onclick: () => {
              state.noiseFilter = k;
              draw();
            },
          },
          label,
        ),
      ),
    );
    const shown = entries.filter(
      (e) => state.noiseFilter === 'all' || e.state === state.noiseFilter,
    );
    if (shown.length === 0) {
      wrap.replaceChildren(
        h(
          'div',
          { class: 'empty' },
          entries.length
            ? 'Nothing in this list.'
            : 'Nothing learned yet: entries appear once a field has changed on enough pairs.',
        ),
      );
      return;
    }
    const body = h('tbody', {});
    for (const e of shown) {
      const decide = async (decision, button) => {
        button.disabled = true;
        try {
          const updated = await api(
            '/api/noise/decide',
            {},
            {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ id: e.id, decision }),
            },
          );
          counts[e.state]--;
          Object.assign(e, updated);
          counts[e.state]++;
          draw();
        } catch (error) {
          button.disabled = false;
          alert(error.message);
        }
      };
      const stateChip = h(
        'span',
        {
          class: `chip ${e.state === 'confirmed' ? 'ok' : e.state === 'rejected' ? 'neutral' : 'noise'}`,
        },
        e.state,
      );
      const confirm = h(
        'button',
        {
          type: 'button',
          class: 'btn confirm',
          disabled: e.state === 'confirmed',
          title: 'Keep suppressing this field',
        },
        'Confirm',
      );
      const reject = h(
        'button',
        {
          type: 'button',
          class: 'btn reject',
          disabled: e.state === 'rejected',
          title: 'Report this field as drift again',
        },
        'Reject',
      );
      const reset = h(
        'button',
        {
          type: 'button',
          class: 'btn',
          disabled: e.state === 'learned',
          title: 'Clear the decision: back to automatic',
        },
        'Reset',
      );
      confirm.addEventListener('click', () => decide('confirmed', confirm));
      reject.addEventListener('click', () => decide('rejected', reject));
      reset.addEventListener('click', () => decide(null, reset));
      body.append(
        h(
          'tr',
          { dataset: { id: e.id, state: e.state } },
          h(
            'td',
            {},
            h(
              'a',
              { class: 'route-name', href: link('route', { service: e.service, route: e.route }) },
              e.route,
            ),
          ),
          h('td', { class: 'mono' }, `${e.kind} ${fieldLabel(e.kind, e.path)}`),
          h('td', { class: 'muted' }, e.aspect),
          h('td', {}, stateChip, e.active ? null : h('span', { class: 'faint' }, ' (reported)')),
          h('td', { class: 'num' }, fmtNum(e.evidence.samples)),
          h('td', { class: 'num' }, fmtPct(e.evidence.changeRate, 1)),
          h(
            'td',
            { class: 'num' },
            e.evidence.distinct === null ? '—' : fmtNum(e.evidence.distinct),
          ),
          h(
            'td',
            {},
            e.evidence.valueKind ? h('span', { class: 'chip neutral' }, e.evidence.valueKind) : '—',
          ),
          h('td', { class: 'muted' }, e.evidence.learnedAt ? fmtAgo(e.evidence.learnedAt) : '—'),
          h('td', {}, h('div', { class: 'actions' }, confirm, reject, reset)),
        ),
      );
    }
    wrap.replaceChildren(
      h(
        'table',
        { class: 'grid noise' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[
              'Route',
              'Field',
              'Aspect',
              'State',
              'Pairs',
              'Changed',
              'Distinct',
              'Value kind',
              'Learned',
              '',
            ].map((t, i) => h('th', { class: i >= 4 && i <= 6 ? 'num' : '' }, t)),
          ),
        ),
        body,
      ),
    );
  };
  panel.append(
    h(
      'div',
      { class: 'toolbar' },
      tabs,
      h(
        'span',
        { class: 'count' },
        'Confirm keeps a field suppressed; reject reports it as drift again. Decisions stick.',
      ),
    ),
    wrap,
  );
  draw();
  return page;
}

// ---------------------------------------------------------------- wiring

setRange(state.range, false);
rangeSelect.addEventListener('change', () => {
  setRange(rangeSelect.value);
  render();
});
document.getElementById('refresh').addEventListener('click', () => render());
document.getElementById('token-form').addEventListener('submit', () => {});
window.addEventListener('hashchange', () => render());
window.addEventListener('keydown', (e) => {
  if (e.key === 'r' && !e.metaKey && !e.ctrlKey && !(e.target instanceof HTMLInputElement))
    render();
});
render();
