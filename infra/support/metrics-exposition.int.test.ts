import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { InMemoryMetricExporter, AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { runDemo, startTelemetry } from '@shadowdiff/cli';
import { validateConfig } from '@shadowdiff/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { expositionProblems, parseExposition } from './exposition.js';
import {
  TAP_INSTRUMENTS,
  otlpPrometheusName,
  prometheusNames,
  workerInstruments,
} from './metric-catalog.js';
import { findPromtool, runPromtool } from './promtool.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `promtool check metrics` on an exposition: exit status and its lint lines. */
function promtoolCheck(text: string) {
  return runPromtool(findPromtool(), ['check', 'metrics'], process.cwd(), text);
}

describe('the real /metrics endpoint (worker + mirror tap of the embedded pipeline)', () => {
  it('is valid for promtool, names every unit, and reads the same through OTLP translation', async () => {
    const log = new PassThrough();
    log.resume();
    const port = await freePort();
    const config = validateConfig({
      telemetry: { prometheus: { enabled: true, host: '127.0.0.1', port } },
    });
    const telemetry = startTelemetry(config.telemetry, 'shadowdiff-e2e', (l) => log.write(l));
    cleanup.push(() => telemetry.shutdown());
    const demo = await runDemo({
      config,
      meter: telemetry.meter('e2e'),
      requests: 120,
      concurrency: 8,
      log,
    });
    cleanup.push(() => demo.close());
    expect(demo.verdicts).toBe(120);

    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const families = parseExposition(text);

    // 1. Prometheus' own linter, on the bytes Prometheus scrapes.
    const lint = promtoolCheck(text);
    expect(lint.status, lint.output).toBe(0);
    expect(lint.output.trim()).toBe('');

    // 2. Units as name suffixes, buckets consistent.
    expect(expositionProblems(text)).toEqual([]);

    // 3. Every instrument the rules and dashboard read is there under its documented name, and
    //    OTLP -> Prometheus translation of the same instrument gives that very name.
    for (const i of [...workerInstruments(), ...TAP_INSTRUMENTS]) {
      // None of these in a clean demo (its noise is all built-in volatile: never pending); their
      // names are checked against the real serializer in metric-catalog.test.ts.
      if (['shadow.dlq', 'shadow.late', 'shadow.pairs.noise_pending'].includes(i.otelName))
        continue;
      const [first] = prometheusNames(i.otelName, i.kind);
      const family = i.kind === 'histogram' ? first!.replace(/_bucket$/, '') : first!;
      const f = families.get(family);
      expect(f, `${i.otelName} -> ${family}`).toBeDefined();
      expect(otlpPrometheusName(i.otelName, f!.unit ?? '', i.kind), i.otelName).toBe(family);
    }
    for (const f of families.values()) {
      if (!f.name.startsWith('shadow_')) continue;
      const otelLike = f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name;
      const kind =
        f.type === 'counter' ? 'counter' : f.type === 'histogram' ? 'histogram' : 'gauge';
      expect(otlpPrometheusName(otelLike, f.unit ?? '', kind), f.name).toBe(f.name);
    }

    // 4. Durations are seconds: unit `s`, second buckets, sums of a few ms per request.
    for (const name of [
      'shadow_latency_seconds',
      'shadow_pipeline_lag_seconds',
      'shadow_tap_shadow_latency_seconds',
    ]) {
      const f = families.get(name)!;
      expect(f.type, name).toBe('histogram');
      expect(f.unit, name).toBe('s');
      const les = new Set(
        f.samples.filter((s) => s.name.endsWith('_bucket')).map((s) => s.labels.le),
      );
      expect(les, name).toContain('0.01');
      expect(les, name).toContain('10');
      const sum = f.samples
        .filter((s) => s.name === `${name}_sum`)
        .reduce((a, s) => a + s.value, 0);
      const count = f.samples
        .filter((s) => s.name === `${name}_count`)
        .reduce((a, s) => a + s.value, 0);
      expect(count, name).toBeGreaterThan(0);
      expect(sum / count, `${name} mean, seconds`).toBeLessThan(5);
    }
  }, 120_000);

  it('the checks fail on v1-style names (unit only in # UNIT, or milliseconds)', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const meter = provider.getMeter('v1');
    meter.createHistogram('shadow.latency', { unit: 'ms' }).record(12, { env: 'shadow' });
    meter.createHistogram('shadow.pipeline.lag.milliseconds', { unit: 'ms' }).record(5);
    const { resourceMetrics } = await reader.collect();
    await provider.shutdown();
    const text = new PrometheusSerializer().serialize(resourceMetrics);

    expect(expositionProblems(text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^shadow_latency: unit "ms" is not in the name/),
        expect.stringMatching(/^shadow_latency: durations are in seconds/),
        expect.stringMatching(/^shadow_pipeline_lag_milliseconds: durations are in seconds/),
      ]),
    );
    expect(otlpPrometheusName('shadow.latency', 'ms', 'histogram')).toBe(
      'shadow_latency_milliseconds',
    );
    const lint = promtoolCheck(text);
    expect(lint.output).toMatch(/shadow_pipeline_lag_milliseconds.*base unit "seconds"/);
  });
});
