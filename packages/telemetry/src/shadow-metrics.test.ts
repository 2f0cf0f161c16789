import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { HistogramMetricData, MetricData } from '@opentelemetry/sdk-metrics';
import type { Verdict } from '@shadowdiff/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { LAG_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS } from './buckets.js';
import { METRIC_NAMES } from './metric-names.js';
import { statusClass } from '@shadowdiff/contracts';
import { ShadowMetrics } from './shadow-metrics.js';

function harness() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    meter: provider.getMeter('test'),
    async collect(): Promise<Map<string, MetricData>> {
      await reader.forceFlush();
      const out = new Map<string, MetricData>();
      for (const rm of exporter.getMetrics()) {
        for (const sm of rm.scopeMetrics) for (const m of sm.metrics) out.set(m.descriptor.name, m);
      }
      return out;
    },
    shutdown: () => provider.shutdown(),
  };
}

function verdict(over: Partial<Verdict>): Verdict {
  return {
    v: 1,
    traceId: 't',
    service: 'orders',
    route: 'GET /orders/{id}',
    outcome: 'match',
    decidedAt: 1,
    roles: ['primary', 'shadow'],
    status: { primary: 200, shadow: 200 },
    latencyMs: { primary: 12, shadow: 30 },
    diffs: [],
    suppressed: [],
    ...over,
  };
}

const points = (m: MetricData | undefined) => m?.dataPoints ?? [];

let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
});

describe('ShadowMetrics', () => {
  it('tags every point with env=shadow, service and route', async () => {
    const h = harness();
    shutdown = h.shutdown;
    const m = new ShadowMetrics(h.meter);
    m.recordVerdict(
      verdict({
        outcome: 'diff',
        diffs: [{ kind: 'body', path: '/total', op: 'replace', severity: 'minor' }],
        suppressed: [{ kind: 'header', path: 'date', reason: 'volatile' }],
      }),
      42,
    );
    m.recordVerdict(
      verdict({
        traceId: 't-pending',
        outcome: 'diff',
        diffs: [{ kind: 'body', path: '/token', op: 'replace', severity: 'minor' }],
        noisePending: true,
      }),
      42,
    );
    m.recordLate('orders', 'GET /orders/{id}', 'shadow');
    m.recordDlq('orders', 'ERR_DECODE_MAGIC');
    const got = await h.collect();
    expect([...got.keys()].sort()).toEqual(Object.values(METRIC_NAMES).sort());
    for (const metric of got.values()) {
      for (const p of metric.dataPoints) {
        expect(p.attributes).toMatchObject({ env: 'shadow', service: 'orders' });
        expect(typeof p.attributes.route).toBe('string');
      }
    }
    expect(points(got.get('shadow.pairs'))[0]?.attributes.outcome).toBe('diff');
    expect(points(got.get('shadow.pairs.noise_pending'))[0]?.value).toBe(1);
    expect(points(got.get('shadow.diffs'))[0]?.attributes).toMatchObject({
      kind: 'body',
      path: '/total',
      severity: 'minor',
      route: 'GET /orders/{id}',
    });
    expect(points(got.get('shadow.suppressed'))[0]?.attributes).toMatchObject({
      kind: 'header',
      path: 'date',
      reason: 'volatile',
    });
    expect(points(got.get('shadow.dlq'))[0]?.attributes).toMatchObject({
      code: 'ERR_DECODE_MAGIC',
      route: 'unknown',
    });
    expect(points(got.get('shadow.late'))[0]?.attributes.role).toBe('shadow');
  });

  it('records latency per role and lag in seconds (verdicts carry ms), responses per status class', async () => {
    const h = harness();
    shutdown = h.shutdown;
    const m = new ShadowMetrics(h.meter);
    m.recordVerdict(verdict({ status: { primary: 200, shadow: 503 } }), 120);
    m.recordVerdict(
      verdict({
        outcome: 'orphan',
        roles: ['primary'],
        missingRoles: ['shadow'],
        status: { primary: 200 },
        latencyMs: { primary: 7 },
      }),
    );
    const got = await h.collect();
    const latency = got.get('shadow.latency.seconds') as HistogramMetricData;
    expect(latency.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(latency.descriptor.unit).toBe('s');
    const byRole = new Map(latency.dataPoints.map((p) => [p.attributes.role, p.value]));
    expect(byRole.get('primary')?.count).toBe(2);
    expect(byRole.get('primary')?.sum).toBeCloseTo(0.019, 12);
    expect(byRole.get('shadow')?.count).toBe(1);
    // Second buckets: 12 ms and 7 ms land in (0.005, 0.01] and (0.01, 0.025], not in `le="25"`.
    const primary = byRole.get('primary')!.buckets;
    expect(primary.boundaries).toEqual([...LATENCY_BUCKETS_SECONDS]);
    const at = (bound: number) => primary.counts[primary.boundaries.indexOf(bound)];
    expect([at(0.005), at(0.01), at(0.025), at(0.05)]).toEqual([0, 1, 1, 0]);
    const responses = points(got.get('shadow.responses')).map(
      (p) => `${String(p.attributes.role)} ${String(p.attributes.status_class)} ${String(p.value)}`,
    );
    expect(responses.sort()).toEqual(['primary 2xx 2', 'shadow 5xx 1']);
    const lag = got.get('shadow.pipeline.lag.seconds') as HistogramMetricData;
    expect(lag.descriptor.unit).toBe('s');
    expect(lag.dataPoints).toHaveLength(1);
    expect(lag.dataPoints[0]?.value.count).toBe(1);
    expect(lag.dataPoints[0]?.value.sum).toBeCloseTo(0.12, 12);
    expect(lag.dataPoints[0]?.value.buckets.boundaries).toEqual([...LAG_BUCKETS_SECONDS]);
  });

  it('names every duration in seconds: unit `s` and the unit as the last word of the name', () => {
    for (const name of [METRIC_NAMES.latency, METRIC_NAMES.pipelineLag]) {
      expect(name).toMatch(/\.seconds$/);
    }
    expect(Math.max(...LATENCY_BUCKETS_SECONDS)).toBe(30);
    expect(Math.max(...LAG_BUCKETS_SECONDS)).toBe(300);
  });

  it('folds routes and paths past their caps into other, keeping totals', async () => {
    const h = harness();
    shutdown = h.shutdown;
    const m = new ShadowMetrics(h.meter, { maxRoutes: 1, pathsPerRoute: 1 });
    const diffs = [
      { kind: 'body' as const, path: '/a', op: 'replace' as const, severity: 'minor' as const },
      { kind: 'body' as const, path: '/b', op: 'replace' as const, severity: 'minor' as const },
    ];
    m.recordVerdict(verdict({ outcome: 'diff', route: 'GET /one', diffs }));
    m.recordVerdict(verdict({ outcome: 'diff', route: 'GET /two', diffs }));
    const got = await h.collect();
    const pairs = points(got.get('shadow.pairs'))
      .map((p) => String(p.attributes.route))
      .sort();
    expect(pairs).toEqual(['GET /one', 'other']);
    const diffPoints = points(got.get('shadow.diffs')).map(
      (p) => `${String(p.attributes.route)} ${String(p.attributes.path)} ${String(p.value)}`,
    );
    expect(diffPoints.sort()).toEqual(['GET /one /a 1', 'GET /one other 1', 'other other 2']);
  });

  it('counts noise-pending diff pairs apart, and still as diffs in shadow.pairs', async () => {
    const h = harness();
    shutdown = h.shutdown;
    const m = new ShadowMetrics(h.meter);
    const token = [
      { kind: 'body' as const, path: '/token', op: 'replace' as const, severity: 'minor' as const },
    ];
    m.recordVerdicts([
      { verdict: verdict({ traceId: 'a', outcome: 'diff', diffs: token, noisePending: true }) },
      { verdict: verdict({ traceId: 'b', outcome: 'diff', diffs: token, noisePending: true }) },
      { verdict: verdict({ traceId: 'c', outcome: 'diff', diffs: token }) },
      { verdict: verdict({ traceId: 'd', outcome: 'match' }) },
      { verdict: verdict({ traceId: 'e', route: 'GET /other', outcome: 'diff', diffs: token }) },
    ]);
    const got = await h.collect();
    const diffPairs = points(got.get('shadow.pairs'))
      .filter((p) => p.attributes.outcome === 'diff')
      .map((p) => `${String(p.attributes.route)} ${p.value}`)
      .sort();
    expect(diffPairs).toEqual(['GET /orders/{id} 3', 'GET /other 1']);
    const pending = points(got.get('shadow.pairs.noise_pending'));
    expect(pending.map((p) => [p.attributes.route, p.value])).toEqual([['GET /orders/{id}', 2]]);
    expect(pending[0]?.attributes).toEqual({
      env: 'shadow',
      service: 'orders',
      route: 'GET /orders/{id}',
    });
  });

  it('names status classes', () => {
    expect(statusClass(204)).toBe('2xx');
    expect(statusClass(599)).toBe('5xx');
    expect(statusClass(undefined)).toBe('error');
  });
});

describe('ShadowMetrics.recordVerdicts', () => {
  it('gives the same points as recording each verdict on its own', async () => {
    const verdicts = Array.from({ length: 30 }, (_, i) =>
      verdict({
        traceId: `t${i}`,
        route: i % 3 === 0 ? 'GET /a' : 'GET /b',
        outcome: i % 2 === 0 ? 'diff' : 'match',
        status: { primary: 200, shadow: i % 5 === 0 ? 500 : 200 },
        latencyMs: { primary: i, shadow: 2 * i },
        diffs:
          i % 2 === 0
            ? [{ kind: 'body', path: `/x${i % 4}`, op: 'replace', severity: 'minor' }]
            : [],
        suppressed: [{ kind: 'header', path: 'date', reason: 'volatile' }],
      }),
    );
    const one = harness();
    const batch = harness();
    shutdown = async () => {
      await one.shutdown();
      await batch.shutdown();
    };
    const a = new ShadowMetrics(one.meter);
    for (const v of verdicts) a.recordVerdict(v, v.latencyMs.shadow);
    new ShadowMetrics(batch.meter).recordVerdicts(
      verdicts.map((v) => ({ verdict: v, lagMs: v.latencyMs.shadow })),
    );
    const norm = (m: Map<string, MetricData>) =>
      [...m.values()]
        .flatMap((metric) =>
          metric.dataPoints.map(
            (p) =>
              `${metric.descriptor.name} ${JSON.stringify(Object.entries(p.attributes).sort())} ${JSON.stringify(p.value)}`,
          ),
        )
        .sort();
    const got = norm(await batch.collect());
    expect(got.length).toBeGreaterThan(10);
    expect(got).toEqual(norm(await one.collect()));
  });
});
