// Stored example pairs of one field (newest first), each linking to the side-by-side view.

import { api } from './api.js';
import { h, link } from './dom.js';
import { fieldLabel, fmtTime, shortValue } from './format.js';

export async function drawExamples(panel, { service, route, field, isCurrent }) {
  if (!field) {
    panel.replaceChildren(
      h('div', { class: 'panel-head' }, h('h2', {}, 'Examples')),
      h('div', { class: 'empty' }, 'Pick a field to see example pairs.'),
    );
    return;
  }
  const head = h(
    'div',
    { class: 'panel-head' },
    h('h2', {}, 'Examples'),
    h('span', { class: 'hint mono' }, `${field.kind} ${fieldLabel(field.kind, field.path)}`),
  );
  panel.replaceChildren(head, h('div', { class: 'empty' }, 'Loading…'));
  const { examples } = await api('/api/examples', {
    service,
    route,
    kind: field.kind,
    path: field.path,
    limit: 20,
  });
  if (!isCurrent()) return;
  const list = h('div', { class: 'examples-list' });
  if (examples.length === 0)
    list.append(
      h('div', { class: 'empty' }, 'No stored example for this field (they age out after 7 days).'),
    );
  for (const e of examples) {
    const href = link('example', {
      service,
      route,
      kind: field.kind,
      path: field.path,
      trace: e.traceId,
    });
    const values = e.finding
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
        );
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
        e.finding?.at ? h('div', { class: 'at mono faint' }, e.finding.at) : null,
        values,
      ),
    );
  }
  panel.replaceChildren(head, list);
}
