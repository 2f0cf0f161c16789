// A route's field tree: diffs per path with severity, share of pairs, and noise flags.

import { h, link, sevChip } from './dom.js';
import { fmtNum, fmtPct } from './format.js';
import { SEVERITIES } from './state.js';

function flatten(nodes, depth, out, collapsed) {
  for (const n of nodes) {
    out.push({ node: n, depth });
    if (!collapsed.has(keyOf(n, depth))) flatten(n.children, depth + 1, out, collapsed);
  }
  return out;
}

const keyOf = (n, depth) => `${n.kind}:${n.path ?? n.name}:${depth}`;

/** The first path with diffs, depth first (the tree is sorted most-drifting first). */
export function firstDrifting(nodes) {
  for (const n of nodes) {
    if (n.path !== null && n.total > 0) return { kind: n.kind, path: n.path };
    const inner = firstDrifting(n.children);
    if (inner) return inner;
  }
  return null;
}

function noiseCell(n, service, route) {
  const chips = h('span', { class: 'chips' });
  if (n.suppressed > 0) {
    const why = Object.entries(n.suppressedBy)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    chips.append(
      h('span', { class: 'chip noise', title: why }, `suppressed ${fmtNum(n.suppressed)}`),
    );
  }
  if (n.noise) {
    chips.append(
      h(
        'a',
        {
          class: `chip ${n.noise.state === 'rejected' ? 'neutral' : 'noise'}`,
          href: link('noise', { service, route }),
        },
        n.noise.state,
      ),
    );
  }
  return chips;
}

/**
 * Renders the field tree into `panel`. `selected()` says which field is open; `onSelect(field)` is
 * called when a drifting field is clicked.
 */
export function drawFields(panel, detail, { service, route, selected, onSelect }) {
  const collapsed = new Set();
  const draw = () => {
    panel.replaceChildren(
      h(
        'div',
        { class: 'panel-head' },
        h('h2', {}, 'Fields'),
        h('span', { class: 'hint' }, 'diffs after noise removal · click a field for examples'),
      ),
    );
    const r = detail.row;
    if (detail.tree.length === 0) {
      panel.append(
        h(
          'div',
          { class: 'empty' },
          r.compared > 0 ? 'No field drifted in this range.' : 'No compared pairs in this range.',
        ),
      );
    } else {
      const body = h('tbody', {});
      const sel = selected();
      for (const { node: n, depth } of flatten(detail.tree, 0, [], collapsed)) {
        const key = keyOf(n, depth);
        const isSel = sel && n.path !== null && sel.kind === n.kind && sel.path === n.path;
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
                    draw();
                  },
                },
                collapsed.has(key) ? '▸' : '▾',
              )
            : h('span', { class: 'toggle' }, '');
        const name = h('td', { class: 'field' }, toggle, n.name);
        name.style.paddingLeft = `${12 + depth * 16}px`;
        const severities = h(
          'span',
          { class: 'chips' },
          SEVERITIES.filter((s) => n.bySeverity[s]).map((s) => sevChip(s, n.bySeverity[s])),
        );
        body.append(
          h(
            'tr',
            {
              class: [
                depth === 0 ? 'group' : '',
                n.path !== null ? 'has-path' : '',
                clickable ? 'leaf-path clickable' : '',
                isSel ? 'selected' : '',
              ].join(' '),
              dataset: { kind: n.kind, path: n.path ?? '' },
              onclick: clickable ? () => onSelect({ kind: n.kind, path: n.path }) : undefined,
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
            h('td', {}, severities),
            h('td', {}, noiseCell(n, service, route)),
          ),
        );
      }
      const head = h(
        'tr',
        {},
        h('th', {}, 'Field'),
        h('th', { class: 'num' }, 'Diffs'),
        h('th', { class: 'num' }, 'Share'),
        h('th', {}, 'Severity'),
        h('th', {}, 'Noise'),
      );
      panel.append(
        h(
          'div',
          { class: 'table-wrap' },
          h('table', { class: 'grid tree' }, h('thead', {}, head), body),
        ),
      );
    }
    const outcomes = h('div', { class: 'panel-body outcome-links' });
    for (const [outcome, label] of [
      ['orphan', 'Orphans'],
      ['error', 'Errors'],
    ]) {
      if (r.outcomes[outcome] > 0) {
        outcomes.append(
          h(
            'a',
            {
              href: '#',
              onclick: (e) => {
                e.preventDefault();
                onSelect({ kind: 'outcome', path: outcome });
              },
            },
            `${label} (${fmtNum(r.outcomes[outcome])})`,
          ),
        );
      }
    }
    if (outcomes.childNodes.length) panel.append(outcomes);
  };
  draw();
  return draw;
}
