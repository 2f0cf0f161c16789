// Shared UI state: the time range (remembered across visits) and per-view preferences.

export const RANGE_KEY = 'shadowdiff.console.range';
export const SEVERITIES = ['critical', 'major', 'minor', 'info'];

export const state = {
  meta: null,
  range: localStorage.getItem(RANGE_KEY) || '1h',
  sort: { key: 'compared', dir: -1 },
  filter: '',
  noiseFilter: 'learned',
  renderId: 0,
};
