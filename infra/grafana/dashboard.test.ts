import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportedSeries } from '../support/metric-catalog.js';
import { checkQuery, exportedMetricsRead, loadRules } from '../support/metric-references.js';
import type { CheckContext } from '../support/metric-references.js';
import { dashboardQueries } from './dashboard-queries.js';

const path = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const dashboard = JSON.parse(readFileSync(path('./shadowdiff-dashboard.json'), 'utf8')) as {
  uid: string;
  panels: { id: number; title: string; type: string; gridPos: unknown }[];
  templating: { list: { name: string; type: string }[] };
};
const ctx: CheckContext = {
  exported: exportedSeries(),
  rules: loadRules(path('../prometheus/rules')),
  envOnEverySelector: true,
};
const queries = dashboardQueries(dashboard);

describe('Grafana dashboard', () => {
  it('has queries in panels, variables and annotations', () => {
    expect(queries.length).toBeGreaterThanOrEqual(20);
    expect(queries.some((q) => q.where.startsWith('variable service'))).toBe(true);
    expect(queries.some((q) => q.where.startsWith('annotation'))).toBe(true);
  });

  it.each(queries.map((q) => [q.where, q.expr]))(
    '%s reads only metrics the worker/tap export (or recording rules over them), filtered on env="shadow"',
    (_where, expr) => {
      expect(checkQuery(expr, ctx)).toEqual([]);
    },
  );

  it('covers diff rate, top fields, latency per role, orphans, lag and tap drops', () => {
    const read = new Set(queries.flatMap((q) => [...exportedMetricsRead(q.expr, ctx)]));
    for (const metric of [
      'shadow_pairs_total',
      'shadow_pairs_noise_pending_total',
      'shadow_diffs_total',
      'shadow_latency_seconds_bucket',
      'shadow_responses_total',
      'shadow_pipeline_lag_seconds_bucket',
      'shadow_tap_records_total',
      'shadow_dlq_total',
      'shadow_late_total',
      'shadow_suppressed_total',
    ]) {
      expect(read, metric).toContain(metric);
    }
    const titles = dashboard.panels.map((p) => p.title);
    for (const title of [
      /diff rate by route/i,
      /top drifting fields/i,
      /latency.*primary vs shadow/i,
      /orphan rate by route/i,
      /pipeline lag/i,
      /tap records/i,
    ]) {
      expect(
        titles.some((t) => title.test(t)),
        String(title),
      ).toBe(true);
    }
  });

  it('shows durations in seconds: every panel reading a _seconds series has unit s', () => {
    const panels = (
      dashboard.panels as {
        title: string;
        targets?: { expr?: string }[];
        fieldConfig?: { defaults?: { unit?: string } };
      }[]
    ).filter((p) => (p.targets ?? []).some((t) => /_seconds(_bucket|:)/.test(t.expr ?? '')));
    expect(panels.length).toBeGreaterThanOrEqual(3);
    for (const p of panels) expect(p.fieldConfig?.defaults?.unit, p.title).toBe('s');
  });

  it('has unique panel ids and a stable uid for provisioning links', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.uid).toBe('shadowdiff-overview');
    expect(dashboard.templating.list.map((v) => v.name)).toEqual([
      'datasource',
      'service',
      'route',
    ]);
  });
});

describe('the metric-name check itself', () => {
  const check = (expr: string) => checkQuery(expr, ctx);
  it('rejects names the exporter does not write', () => {
    expect(check('rate(shadow_pairs{env="shadow"}[5m])')[0]).toMatch(
      /unknown metric shadow_pairs\b.*did you mean shadow_pairs_total/,
    );
    expect(check('shadow_latency_milliseconds_bucket{env="shadow"}')[0]).toMatch(/unknown metric/);
    // Metrics v1 names (unit only in `# UNIT`): gone in v2.
    expect(check('shadow_latency_bucket{env="shadow"}')[0]).toMatch(/unknown metric/);
    expect(check('shadow_pipeline_lag_bucket{env="shadow"}')[0]).toMatch(/unknown metric/);
  });
  it('rejects a missing env filter and syntax errors', () => {
    expect(check('sum(rate(shadow_pairs_total[5m]))')).toEqual([
      'shadow_pairs_total is read without env="shadow"',
    ]);
    expect(check('service_route:shadow_diff_rate:ratio_rate5m')).toEqual([
      'service_route:shadow_diff_rate:ratio_rate5m is read without env="shadow"',
    ]);
    expect(check('sum(rate(shadow_pairs_total{env="shadow"}[5m])').length).toBeGreaterThan(0);
  });
  it('follows recording rules into their expressions', () => {
    const broken: CheckContext = {
      ...ctx,
      rules: {
        ...ctx.rules,
        recording: new Map([['x:y:rate5m', 'rate(shadow_pair_total{env="shadow"}[5m])']]),
      },
    };
    expect(checkQuery('x:y:rate5m{env="shadow"}', broken)).toEqual([
      expect.stringMatching(/^in recording rule x:y:rate5m: unknown metric shadow_pair_total/),
    ]);
  });
});
