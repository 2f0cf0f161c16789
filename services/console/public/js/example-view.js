// One pair side by side (primary | shadow): status, headers and body, differing fields highlighted.

import { api } from './api.js';
import { crumbs, h, link, sevChip } from './dom.js';
import { fieldLabel, fmtMs, fmtNum, fmtTime, shortValue } from './format.js';
import { renderJson } from './json-view.js';

function bodyBlock(side, diffs, suppressed) {
  const f = side.bodyFacts;
  const notes = [];
  if (f.truncated)
    notes.push(`truncated by the tap: ${fmtNum(f.captured)} of ${fmtNum(f.size)} bytes captured`);
  if (f.contentEncoding) notes.push(`content-encoding ${f.contentEncoding}`);
  if (f.decodeError) notes.push(`could not decode: ${f.decodeError}`);
  if (f.redaction) notes.push(`body ${f.redaction} by the tap`);
  const wrap = h(
    'div',
    {},
    h(
      'div',
      { class: 'section-title' },
      'Body',
      f.size ? h('span', { class: 'faint' }, ` · ${fmtNum(f.size)} bytes`) : null,
    ),
  );
  if (notes.length) wrap.append(h('div', { class: 'body-notes' }, notes.join(' · ')));
  const whole = diffs.find((d) => d.kind === 'body' && d.path === '');
  const plain = (text) =>
    h(
      'pre',
      { class: `code text${whole ? ' hl-all' : ''}`, dataset: whole ? { path: '' } : undefined },
      text,
    );
  switch (side.body.kind) {
    case 'empty':
      wrap.append(plain('(empty)'));
      break;
    case 'json':
      wrap.append(renderJson(side.body.value, diffs, suppressed));
      break;
    case 'text':
      wrap.append(plain(side.body.cut ? `${side.body.text}\n… (cut for display)` : side.body.text));
      break;
    case 'binary':
      wrap.append(plain(`binary, ${fmtNum(side.body.size)} bytes, sha256 ${side.body.sha256}`));
      break;
  }
  return wrap;
}

function headersBlock(side, ex) {
  const byName = (list) =>
    new Map(list.filter((d) => d.kind === 'header').map((d) => [d.path.toLowerCase(), d]));
  const diffs = byName(ex.diffs);
  const noise = byName(ex.suppressed);
  const names = Object.keys(side.headers).sort();
  if (names.length === 0)
    return [
      h('div', { class: 'section-title' }, 'Headers'),
      h('div', { class: 'body-notes' }, '(none)'),
    ];
  const rows = names.map((name) => {
    const d = diffs.get(name.toLowerCase());
    const sup = !d && noise.get(name.toLowerCase());
    return h(
      'tr',
      {
        class: d ? `hl sev-${d.severity}` : sup ? 'sup' : '',
        dataset: d ? { path: d.path } : undefined,
        title: sup ? `suppressed as noise (${sup.reason})` : undefined,
      },
      h('td', { class: 'name' }, name),
      h('td', {}, side.headers[name]),
    );
  });
  return [
    h('div', { class: 'section-title' }, 'Headers'),
    h('table', { class: 'headers' }, h('tbody', {}, rows)),
  ];
}

function sidePanel(role, side, ex) {
  const panel = h('div', { class: `panel side ${role}`, dataset: { role } });
  if (!side) {
    const why = ex.missingRoles.includes(role)
      ? `No ${role} half arrived within the alignment window.`
      : 'This half could not be decoded.';
    panel.append(
      h('div', { class: 'side-head' }, h('span', { class: `role ${role}` }, role)),
      h('div', { class: 'empty' }, why),
    );
    return panel;
  }
  const statusDiff = ex.diffs.some((d) => d.kind === 'status');
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
  panel.append(...headersBlock(side, ex), bodyBlock(side, ex.diffs, ex.suppressed));
  return panel;
}

function findings(ex) {
  const list = h('div', { class: 'findings' });
  if (ex.diffs.length === 0) {
    list.append(
      h(
        'div',
        { class: 'muted' },
        ex.outcome === 'orphan' ? `Orphan: missing ${ex.missingRoles.join(', ')}.` : 'No findings.',
      ),
    );
  }
  for (const d of ex.diffs) {
    list.append(
      h(
        'div',
        { class: 'finding', dataset: { kind: d.kind, path: d.path } },
        sevChip(d.severity),
        h(
          'span',
          // `at` names the element (`/items[sku=A-1]/price`); the template path groups the stats.
          { class: 'where', ...(d.at ? { title: `field ${d.path}` } : {}) },
          `${d.kind} ${d.at ?? fieldLabel(d.kind, d.path)}`,
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
    const what = ex.suppressed
      .map((s) => `${s.kind} ${fieldLabel(s.kind, s.path)} (${s.reason})`)
      .join(', ');
    list.append(h('div', { class: 'muted suppressed-note' }, `Suppressed as noise: ${what}`));
  }
  return list;
}

export async function renderExample(params) {
  const service = params.get('service');
  const route = params.get('route');
  const kind = params.get('kind');
  const path = params.get('path') ?? '';
  const trace = params.get('trace');
  const ex = await api('/api/example', { service, route, kind, path, trace });
  const req = (ex.sides.primary || ex.sides.shadow)?.request;
  const outcomeClass =
    ex.outcome === 'match' ? 'ok' : ex.outcome === 'diff' ? 'sev-critical' : 'sev-major';
  return h(
    'div',
    {},
    crumbs(
      { text: 'Routes', href: '#/' },
      { text: route, href: link('route', { service, route, kind, path }) },
      { text: trace },
    ),
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Example pair'),
      h('span', { class: `chip ${outcomeClass}` }, ex.outcome),
      h('span', { class: 'sub mono' }, ex.traceId),
      h('span', { class: 'sub' }, `decided ${fmtTime(ex.decidedAt)}`),
    ),
    h(
      'div',
      { class: 'panel' },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', {}, 'Findings'),
        h('span', { class: 'hint' }, `${ex.diffs.length} after noise removal`),
      ),
      req ? h('div', { class: 'request-line', title: req.url }, `${req.method} ${req.url}`) : null,
      h('div', { class: 'panel-body' }, findings(ex)),
    ),
    h(
      'div',
      { class: 'sides' },
      sidePanel('primary', ex.sides.primary, ex),
      sidePanel('shadow', ex.sides.shadow, ex),
    ),
  );
}
