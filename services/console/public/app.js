// shadowdiff console: a small hash-routed UI over /api/*. Plain ES modules, no build step.
// Everything captured from traffic (bodies, headers, URLs) is untrusted: it only ever reaches the
// page through text nodes, never as markup (see js/dom.js).

import { api, ApiError } from './js/api.js';
import { h } from './js/dom.js';
import { renderExample } from './js/example-view.js';
import { renderNoise } from './js/noise-view.js';
import { renderOverview } from './js/overview.js';
import { renderRoute } from './js/route-view.js';
import { RANGE_KEY, state } from './js/state.js';

const app = document.getElementById('app');
const rangeSelect = document.getElementById('range');
const VIEWS = {
  overview: renderOverview,
  route: renderRoute,
  example: renderExample,
  noise: renderNoise,
};

function currentRoute() {
  const [view, query] = location.hash.replace(/^#\/?/, '').split('?');
  return { view: VIEWS[view] ? view : 'overview', params: new URLSearchParams(query || '') };
}

function setRange(range, persist = true) {
  state.range = range;
  if (![...rangeSelect.options].some((o) => o.value === range))
    rangeSelect.append(h('option', { value: range }, `Last ${range}`));
  rangeSelect.value = range;
  if (persist) localStorage.setItem(RANGE_KEY, range);
}

async function render() {
  const id = ++state.renderId;
  const { view, params } = currentRoute();
  const fromHash = params.get('range');
  if (fromHash && fromHash !== state.range) setRange(fromHash, false);
  for (const a of document.querySelectorAll('.tabs a')) {
    a.classList.toggle('active', a.dataset.tab === (view === 'noise' ? 'noise' : 'overview'));
  }
  try {
    if (!state.meta) {
      state.meta = await api('/api/meta');
      document.getElementById('service').textContent = state.meta.service;
      document.title = `${state.meta.service} · shadowdiff console`;
    }
    const content = await VIEWS[view](params);
    if (id !== state.renderId) return; // a newer navigation won
    app.replaceChildren(content);
    document.body.dataset.view = view;
  } catch (error) {
    if (id !== state.renderId) return;
    const message =
      error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`;
    app.replaceChildren(h('div', { class: 'error-box' }, message));
  }
}

setRange(state.range, false);
rangeSelect.addEventListener('change', () => {
  setRange(rangeSelect.value);
  void render();
});
document.getElementById('refresh').addEventListener('click', () => void render());
window.addEventListener('hashchange', () => void render());
window.addEventListener('keydown', (e) => {
  if (e.key === 'r' && !e.metaKey && !e.ctrlKey && !(e.target instanceof HTMLInputElement))
    void render();
});
void render();
