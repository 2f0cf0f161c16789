import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportedSeries } from '../support/metric-catalog.js';
import { checkQuery, exportedMetricsRead, loadRules } from '../support/metric-references.js';
import type { CheckContext } from '../support/metric-references.js';

const rules = loadRules(fileURLToPath(new URL('./rules', import.meta.url)));
const ctx: CheckContext = { exported: exportedSeries(), rules };

describe('Prometheus rules read real metric names', () => {
  it.each([...rules.recording].map(([name, expr]) => [name, expr]))(
    'recording rule %s',
    (_name, expr) => {
      expect(checkQuery(expr, ctx)).toEqual([]);
    },
  );

  it.each(rules.alerts.map((a) => [a.alert, a.expr]))('alert %s', (_name, expr) => {
    expect(checkQuery(expr, ctx)).toEqual([]);
  });

  it('alerts cover diff rate, orphans, shadow errors, latency drift, pipeline lag and tap drops', () => {
    const read = (alert: string) => {
      const rule = rules.alerts.find((a) => a.alert === alert);
      expect(rule, alert).toBeDefined();
      return exportedMetricsRead(rule!.expr, ctx);
    };
    expect(read('ShadowDiffRateHigh')).toContain('shadow_pairs_total');
    expect(read('ShadowDiffRateHigh')).toContain('shadow_pairs_noise_pending_total');
    expect(read('ShadowOrphanRateHigh')).toContain('shadow_pairs_total');
    expect(read('ShadowErrorRateHigh')).toContain('shadow_responses_total');
    expect(read('ShadowPipelineLagHigh')).toContain('shadow_pipeline_lag_seconds_bucket');
    expect(read('ShadowLatencyRegressed')).toContain('shadow_latency_seconds_bucket');
    expect(read('ShadowTapDroppingRecords')).toContain('shadow_tap_records_total');
  });
});
