import { noiseConfigSchema, parseConfig } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import type { NoiseEntryStats, NoiseSnapshot } from '../ports/noise-store.js';
import { compileRules } from '../route/compile-rules.js';
import { exportRules } from './export-rules.js';
import { NoiseView } from './noise-view.js';

function entry(over: Partial<NoiseEntryStats> & Pick<NoiseEntryStats, 'path'>): NoiseEntryStats {
  return {
    kind: 'body',
    aspect: 'value',
    since: 0,
    changes: 100,
    other: 0,
    classes: { token: 100 },
    distinct: 100,
    rises: 0,
    steps: 0,
    sortedPrimary: 0,
    sortedShadow: 0,
    ...over,
  };
}

const snapshot: NoiseSnapshot = {
  service: 'orders',
  routes: [
    {
      route: 'GET /orders/{id}',
      pairs: 100,
      entries: [
        entry({ path: '/meta/token' }),
        entry({ path: '/tags', aspect: 'order', classes: {}, distinct: 0, changes: 80 }),
        entry({ path: 'x-served-by', kind: 'header', classes: { id: 100 } }),
        entry({ path: '/total', classes: { number: 100 } }),
        entry({ path: '/nonce' }),
      ],
    },
    { route: 'GET /health', pairs: 100, entries: [entry({ path: '/at', classes: { time: 100 } })] },
  ],
  decisions: [
    {
      route: 'GET /orders/{id}',
      kind: 'body',
      aspect: 'value',
      path: '/nonce',
      decision: 'rejected',
      at: 1,
    },
    {
      route: 'GET /orders/{id}',
      kind: 'body',
      aspect: 'value',
      path: '/build',
      decision: 'confirmed',
      at: 1,
      note: 'differs by design',
    },
  ],
};

describe('exportRules', () => {
  it('writes learned and confirmed entries as a valid rules section, with evidence', () => {
    const view = new NoiseView(snapshot, {
      config: noiseConfigSchema.parse({ minSamples: 50 }),
      rules: compileRules({}),
    });
    const yaml = exportRules(view.list(), {
      service: 'orders',
      generatedAt: '2026-01-01T00:00:00Z',
    });
    const config = parseConfig(yaml, 'export');
    expect(config.rules.routes).toEqual([
      expect.objectContaining({ route: 'GET /health', ignore: ['/at'] }),
      expect.objectContaining({
        route: 'GET /orders/{id}',
        ignore: ['/build', '/meta/token'],
        arrays: { '/tags': 'set' },
      }),
    ]);
    expect(yaml).toContain('random-token, changed in 100% of 100 pairs, 100 distinct');
    expect(yaml).toContain('confirmed: ');
    expect(yaml).toContain('differs by design');
    expect(yaml).toContain('# header "x-served-by" is noise');
    expect(yaml).not.toContain('/nonce');
    expect(yaml).not.toContain('/total');
  });

  it('writes an empty, still valid section when nothing is learned', () => {
    const yaml = exportRules([], { service: 's', generatedAt: 'now' });
    expect(parseConfig(yaml).rules.routes).toEqual([]);
  });
});

describe('NoiseView.rule', () => {
  it('extends the route rule with learned sets that skip learned fields of their elements', () => {
    const view = new NoiseView(
      {
        service: 's',
        routes: [
          {
            route: 'GET /cart',
            pairs: 100,
            entries: [
              entry({ path: '/items', aspect: 'order', classes: {}, changes: 90 }),
              entry({ path: '/items/*/addedAt', classes: { time: 100 } }),
            ],
          },
        ],
        decisions: [],
      },
      { config: noiseConfigSchema.parse({ minSamples: 50 }), rules: compileRules({}) },
    );
    const rule = view.rule('GET /cart', undefined);
    expect(rule?.arrays).toEqual([
      { pointer: ['items'], mode: { kind: 'set' }, skip: [['addedAt']] },
    ]);
    expect(view.rule('GET /cart', undefined)).toBe(rule);
    expect(view.rule('GET /other', undefined)).toBeUndefined();
  });
});
