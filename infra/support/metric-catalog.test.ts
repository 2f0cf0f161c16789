import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { validateConfig } from '@shadowdiff/contracts';
import type { Verdict } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import { startTap } from '@shadowdiff/tap';
import { METRIC_NAMES, ShadowMetrics } from '@shadowdiff/telemetry';
import { describe, expect, it } from 'vitest';
import {
  TAP_INSTRUMENTS,
  WORKER_KINDS,
  otlpPrometheusName,
  prometheusNames,
  workerInstruments,
} from './metric-catalog.js';

/** A real SDK pipeline with the real Prometheus exporter, read without starting its HTTP server. */
function prometheusPipeline() {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  return {
    meter: provider.getMeter('metric-catalog-test'),
    /** The scrape endpoint's body: sample names with their labels. */
    async scrape(): Promise<{ name: string; labels: string }[]> {
      const { resourceMetrics } = await exporter.collect();
      const text = new PrometheusSerializer().serialize(resourceMetrics);
      return text
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => {
          const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?/.exec(line)!;
          return { name: match[1]!, labels: match[2] ?? '' };
        })
        .filter((s) => s.name !== 'target_info');
    },
    shutdown: () => provider.shutdown(),
  };
}

const verdict: Verdict = {
  v: 1,
  traceId: 't1',
  service: 'orders',
  route: 'GET /orders/{id}',
  outcome: 'diff',
  decidedAt: 1_700_000_000_000,
  roles: ['primary', 'shadow'],
  status: { primary: 200, shadow: 500 },
  latencyMs: { primary: 12, shadow: 30 },
  diffs: [{ kind: 'body', path: '/total', op: 'replace', severity: 'minor' }],
  suppressed: [{ kind: 'header', path: 'date', reason: 'volatile' }],
};

describe('metric catalog', () => {
  it('states a kind for every METRIC_NAMES entry, and nothing else', () => {
    expect(Object.keys(WORKER_KINDS).sort()).toEqual(Object.keys(METRIC_NAMES).sort());
  });

  it('maps names by the documented rule', () => {
    expect(prometheusNames('shadow.pairs', 'counter')).toEqual(['shadow_pairs_total']);
    expect(prometheusNames('shadow.pipeline.lag.seconds', 'histogram')).toEqual([
      'shadow_pipeline_lag_seconds_bucket',
      'shadow_pipeline_lag_seconds_sum',
      'shadow_pipeline_lag_seconds_count',
    ]);
    expect(prometheusNames('a..b-c', 'gauge')).toEqual(['a_b_c']);
  });

  it('gives the names OTLP -> Prometheus translation gives (unit word appended once)', () => {
    expect(otlpPrometheusName('shadow.latency.seconds', 's', 'histogram')).toBe(
      'shadow_latency_seconds',
    );
    expect(otlpPrometheusName('shadow.latency', 's', 'histogram')).toBe('shadow_latency_seconds');
    expect(otlpPrometheusName('shadow.pairs', '{pair}', 'counter')).toBe('shadow_pairs_total');
    expect(otlpPrometheusName('shadow.tap.buffer.bytes', 'By', 'gauge')).toBe(
      'shadow_tap_buffer_bytes',
    );
    // Every worker instrument: the scrape name (exporter-prometheus) is the translated name.
    const units: Record<string, string> = {
      histogram: 's',
      counter: '{x}',
      gauge: '',
    };
    for (const i of workerInstruments()) {
      const family = prometheusNames(i.otelName, i.kind)[0]!.replace(/_bucket$/, '');
      expect(otlpPrometheusName(i.otelName, units[i.kind]!, i.kind), i.otelName).toBe(family);
    }
  });

  it('matches what the worker instruments really expose through exporter-prometheus', async () => {
    const pipeline = prometheusPipeline();
    const metrics = new ShadowMetrics(pipeline.meter);
    metrics.recordVerdict(verdict, 25);
    metrics.recordVerdict({ ...verdict, traceId: 't2', noisePending: true }, 25);
    metrics.recordLate('orders', 'GET /orders/{id}', 'shadow');
    metrics.recordDlq('orders', 'ERR_DECODE_MAGIC');
    const samples = await pipeline.scrape();
    await pipeline.shutdown();

    const scraped = new Set(samples.map((s) => s.name));
    const byRule = new Set(workerInstruments().flatMap((i) => prometheusNames(i.otelName, i.kind)));
    expect([...scraped].sort()).toEqual([...byRule].sort());
    // Every point is a shadow point: dashboards and alerts filter on it.
    for (const s of samples) expect(s.labels, s.name).toContain('env="shadow"');
  });

  it('matches what the real tap exposes for the instruments dashboards read', async () => {
    const upstream = createServer((_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    const published: OutboundMessage[] = [];
    const publisher: RecordPublisher = {
      publish: (m) => {
        published.push(...m);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    const pipeline = prometheusPipeline();
    const tap = await startTap({
      config: validateConfig({
        service: 'orders',
        // Mirror mode: the shadow-duration histogram is recorded per shadow request.
        tap: {
          mode: 'mirror',
          primary: `http://127.0.0.1:${port}`,
          shadow: `http://127.0.0.1:${port}`,
          listen: '127.0.0.1:0',
          adminListen: '127.0.0.1:0',
          // Two records per request here (self-check's third is counted by its own test).
          selfCheck: { enabled: false },
        },
      }),
      publisher,
      meter: pipeline.meter,
      redactKey: Buffer.from('test'),
      log: () => {},
    });
    try {
      const response = await fetch(`${tap.url}/orders/1`);
      expect(response.status).toBe(200);
      await response.text();
      for (let i = 0; i < 200 && published.length < 2; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(published).toHaveLength(2);
      const samples = await pipeline.scrape();
      for (const instrument of TAP_INSTRUMENTS) {
        for (const name of prometheusNames(instrument.otelName, instrument.kind)) {
          const found = samples.filter((s) => s.name === name);
          expect(found.length, name).toBeGreaterThan(0);
          for (const s of found) expect(s.labels).toContain('env="shadow"');
        }
      }
      expect(samples.find((s) => s.name === 'shadow_tap_records_total')?.labels).toContain(
        'outcome="published"',
      );
    } finally {
      await tap.close();
      await pipeline.shutdown();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
