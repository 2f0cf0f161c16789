// Learned noise with its evidence; confirm keeps a field suppressed, reject reports it again.

import { api } from './api.js';
import { crumbs, h, link } from './dom.js';
import { fieldLabel, fmtAgo, fmtNum, fmtPct } from './format.js';
import { state } from './state.js';

const TABS = [
  ['learned', 'To review'],
  ['confirmed', 'Confirmed'],
  ['rejected', 'Rejected'],
  ['all', 'All'],
];

function stateChip(e) {
  const cls = e.state === 'confirmed' ? 'ok' : e.state === 'rejected' ? 'neutral' : 'noise';
  return h(
    'span',
    {},
    h('span', { class: `chip ${cls}` }, e.state),
    e.active ? null : h('span', { class: 'faint' }, ' reported'),
  );
}

function entryRow(e, decide) {
  const button = (label, cls, decision, disabled, title) => {
    const b = h(
      'button',
      {
        type: 'button',
        class: `btn ${cls}`,
        disabled,
        title,
        dataset: { decision: decision ?? 'reset' },
      },
      label,
    );
    b.addEventListener('click', () => decide(e, decision, b));
    return b;
  };
  return h(
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
    h(
      'td',
      {},
      h('div', { class: 'mono' }, `${e.kind} ${fieldLabel(e.kind, e.path)}`),
      e.reason ? h('div', { class: 'why' }, e.reason) : null,
    ),
    h('td', { class: 'muted' }, e.aspect),
    h('td', {}, stateChip(e)),
    h('td', { class: 'num' }, fmtNum(e.evidence.samples)),
    h('td', { class: 'num' }, fmtPct(e.evidence.changeRate, 1)),
    h('td', { class: 'num' }, e.evidence.distinct === null ? '—' : fmtNum(e.evidence.distinct)),
    h(
      'td',
      {},
      e.evidence.valueKind ? h('span', { class: 'chip neutral' }, e.evidence.valueKind) : '—',
    ),
    h('td', { class: 'muted' }, e.evidence.learnedAt ? fmtAgo(e.evidence.learnedAt) : '—'),
    h(
      'td',
      {},
      h(
        'div',
        { class: 'actions' },
        button(
          'Confirm',
          'confirm',
          'confirmed',
          e.state === 'confirmed',
          'Keep suppressing this field',
        ),
        button(
          'Reject',
          'reject',
          'rejected',
          e.state === 'rejected',
          'Report this field as drift again',
        ),
        button('Reset', '', null, e.state === 'learned', 'Clear the decision: back to automatic'),
      ),
    ),
  );
}

export async function renderNoise(params) {
  const route = params.get('route') || undefined;
  const service = params.get('service') || undefined;
  const data = await api('/api/noise', { route, service });
  const page = h(
    'div',
    {},
    crumbs({ text: 'Routes', href: '#/' }, { text: 'Noise' }),
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Learned noise'),
      h(
        'span',
        { class: 'sub' },
        route
          ? `route ${route}`
          : 'fields that change on nearly every pair, suppressed automatically',
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
  const tabs = h('div', { class: 'filter-tabs', role: 'tablist' });
  const wrap = h('div', { class: 'table-wrap' });
  const decide = async (e, decision, button) => {
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
      if (updated.removed) entries.splice(entries.indexOf(e), 1);
      else Object.assign(e, updated);
      draw();
    } catch (error) {
      button.disabled = false;
      wrap.prepend(h('div', { class: 'error-box' }, error.message));
    }
  };
  const draw = () => {
    const count = (k) =>
      k === 'all' ? entries.length : entries.filter((e) => e.state === k).length;
    tabs.replaceChildren(
      ...TABS.map(([k, label]) =>
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            class: state.noiseFilter === k ? 'active' : '',
            dataset: { filter: k },
            onclick: () => {
              state.noiseFilter = k;
              draw();
            },
          },
          `${label} (${count(k)})`,
        ),
      ),
    );
    const shown = entries.filter(
      (e) => state.noiseFilter === 'all' || e.state === state.noiseFilter,
    );
    if (shown.length === 0) {
      const why = entries.length
        ? 'Nothing in this list.'
        : 'Nothing learned yet: entries appear once a field has changed on enough pairs.';
      wrap.replaceChildren(h('div', { class: 'empty' }, why));
      return;
    }
    const heads = [
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
    ];
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
            heads.map((t, i) => h('th', { class: i >= 4 && i <= 6 ? 'num' : '' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          shown.map((e) => entryRow(e, decide)),
        ),
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
