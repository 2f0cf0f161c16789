import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { DLQ_HEADERS, decodeVerdict, validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfigInput, Verdict } from '@shadowdiff/contracts';
import type { SourceMessage } from '@shadowdiff/engine';
import {
  MemoryBus,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { encodedJsonTapRecord as encodedHalf, waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.js';

const TAPS = 'shadowdiff.taps';

async function setup(overrides: ShadowdiffConfigInput = {}, discardVerdicts = false) {
  const config = validateConfig({ worker: { windowMs: 300 }, ...overrides });
  const bus = new MemoryBus({ partitions: 3 });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const samples = new MemorySampleStore({ examplesPerKey: config.worker.examplesPerPath });
  const toBus = bus.publisher();
  const published: string[] = [];
  const worker = await startWorker({
    config,
    source: bus.source(TAPS, config.worker.groupId),
    publisher: discardVerdicts
      ? {
          discards: (topic) => topic === config.kafka.topics.verdicts,
          publish: (messages) => {
            published.push(...messages.map((m) => m.topic));
            return toBus.publish(messages);
          },
          close: () => Promise.resolve(),
        }
      : toBus,
    store: new MemoryPendingStore(),
    scheduler: new TimerOrphanScheduler(),
    samples,
    meter: provider.getMeter('test'),
    clock: systemClock,
  });
  const out = { verdicts: [] as Verdict[], dlq: [] as SourceMessage[] };
  const readers = [
    bus.source(config.kafka.topics.verdicts, 'reader'),
    bus.source(config.kafka.topics.dlq, 'reader'),
  ];
  await readers[0]!.run((batch) => {
    for (const m of batch) {
      const d = decodeVerdict(m.value);
      if (!d.ok) throw d.error;
      expect(m.key).toBe(d.value.route);
      out.verdicts.push(d.value);
    }
    return Promise.resolve();
  });
  await readers[1]!.run((batch) => {
    out.dlq.push(...batch);
    return Promise.resolve();
  });
  const publisher = bus.publisher();
  return {
    config,
    worker,
    samples,
    out,
    published,
    publish: (messages: { key: string | null; value: Uint8Array }[]) =>
      publisher.publish(messages.map((m) => ({ topic: TAPS, ...m }))),
    async metrics(): Promise<Map<string, MetricData>> {
      await reader.forceFlush();
      const map = new Map<string, MetricData>();
      for (const rm of exporter.getMetrics()) {
        for (const sm of rm.scopeMetrics) for (const m of sm.metrics) map.set(m.descriptor.name, m);
      }
      return map;
    },
    async close() {
      await worker.stop();
      for (const r of readers) await r.stop();
      await provider.shutdown();
    },
  };
}

const sum = (
  m: MetricData | undefined,
  where: (attrs: Record<string, unknown>) => boolean = () => true,
) =>
  (m?.dataPoints ?? [])
    .filter((p) => where(p.attributes))
    .reduce(
      (total, p) => total + (typeof p.value === 'number' ? p.value : (p.value.count ?? 0)),
      0,
    );

let current: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe('startWorker on the in-memory adapters', () => {
  it('gives exactly one verdict per trace, judged, with metrics and samples', async () => {
    const h = await setup();
    current = h;
    const messages = [];
    for (let i = 0; i < 40; i++) {
      const id = `trace-${i}`;
      const drift = i % 4 === 0;
      messages.push(
        {
          key: id,
          value: encodedHalf(id, 'primary', { id: i, total: 10 }, { url: `/orders/${i}` }),
        },
        {
          key: id,
          value: encodedHalf(
            id,
            'shadow',
            { id: i, total: drift ? 11 : 10 },
            { url: `/orders/${i}` },
          ),
        },
      );
    }
    // A redelivery of a half that already paired: never a second verdict.
    messages.push(messages[1]!);
    await h.publish(messages);
    await waitFor('40 verdicts', () => h.out.verdicts.length >= 40);
    await waitFor('worker idle', () => h.worker.counters.records === 81);
    const byTrace = new Map<string, Verdict[]>();
    for (const v of h.out.verdicts) byTrace.set(v.traceId, [...(byTrace.get(v.traceId) ?? []), v]);
    expect(byTrace.size).toBe(40);
    for (const list of byTrace.values()) expect(list).toHaveLength(1);
    const diffs = h.out.verdicts.filter((v) => v.outcome === 'diff');
    expect(diffs).toHaveLength(10);
    expect(diffs[0]!.route).toBe('GET /orders/{id}');
    expect(diffs[0]!.diffs.map((d) => d.path)).toEqual(['/total']);

    const metrics = await h.metrics();
    expect(sum(metrics.get('shadow.pairs'))).toBe(40);
    expect(sum(metrics.get('shadow.pairs'), (a) => a.outcome === 'diff')).toBe(10);
    expect(
      sum(metrics.get('shadow.diffs'), (a) => a.path === '/total' && a.severity === 'minor'),
    ).toBe(10);
    expect(sum(metrics.get('shadow.pipeline.lag.seconds'))).toBe(40);
    expect(sum(metrics.get('shadow.latency.seconds'), (a) => a.role === 'shadow')).toBe(40);
    for (const m of metrics.values()) {
      for (const p of m.dataPoints)
        expect(p.attributes).toMatchObject({ env: 'shadow', service: 'orders' });
    }

    await waitFor('samples', async () => {
      const s = await h.samples.stats({
        service: 'orders',
        route: 'GET /orders/{id}',
        from: Date.now() - 120_000,
        to: Date.now() + 60_000,
      });
      return s.pairs === 40;
    });
    const stats = await h.samples.stats({
      service: 'orders',
      route: 'GET /orders/{id}',
      from: Date.now() - 120_000,
      to: Date.now() + 60_000,
    });
    expect(stats.outcomes.diff).toBe(10);
    expect(stats.paths).toEqual([
      { kind: 'body', path: '/total', total: 10, bySeverity: { minor: 10 } },
    ]);
    expect(stats.latency.primary?.p50).toBe(15);
    const examples = await h.samples.examples({
      service: 'orders',
      route: 'GET /orders/{id}',
      kind: 'body',
      path: '/total',
    });
    expect(examples).toHaveLength(h.config.worker.examplesPerPath);
    expect(examples[0]!.halves.primary?.byteLength).toBeGreaterThan(0);
  });

  it('turns unpaired halves into orphan verdicts naming the missing role; late halves are only counted', async () => {
    const h = await setup();
    current = h;
    await h.publish(
      Array.from({ length: 25 }, (_, i) => ({
        key: `o-${i}`,
        value: encodedHalf(`o-${i}`, 'primary', { i }),
      })),
    );
    await waitFor('25 orphans', () => h.out.verdicts.length >= 25);
    for (const v of h.out.verdicts) {
      expect(v.outcome).toBe('orphan');
      expect(v.missingRoles).toEqual(['shadow']);
      expect(v.roles).toEqual(['primary']);
    }
    await h.publish(
      Array.from({ length: 25 }, (_, i) => ({
        key: `o-${i}`,
        value: encodedHalf(`o-${i}`, 'shadow', { i }),
      })),
    );
    await waitFor('late counted', () => h.worker.counters.late === 25);
    expect(h.out.verdicts).toHaveLength(25);
    const metrics = await h.metrics();
    expect(sum(metrics.get('shadow.pairs'), (a) => a.outcome === 'orphan')).toBe(25);
    expect(sum(metrics.get('shadow.late'), (a) => a.role === 'shadow')).toBe(25);
  });

  it('sends garbage and truncated records to the DLQ with a reason and carries on', async () => {
    const h = await setup();
    current = h;
    const good = encodedHalf('g', 'primary', { ok: true });
    await h.publish([
      { key: 'x', value: Buffer.from('not a frame at all') },
      { key: 'y', value: good.subarray(0, good.length - 3) },
      { key: null, value: new Uint8Array() },
      { key: 'g', value: good },
      { key: 'g', value: encodedHalf('g', 'shadow', { ok: true }) },
    ]);
    await waitFor('one verdict', () => h.out.verdicts.length === 1);
    await waitFor('three DLQ copies', () => h.out.dlq.length === 3);
    const codes = h.out.dlq.map((m) => m.headers?.[DLQ_HEADERS.code]).sort();
    expect(codes).toEqual(['ERR_DECODE_LENGTH', 'ERR_DECODE_MAGIC', 'ERR_DECODE_TRUNCATED']);
    for (const m of h.out.dlq) {
      expect(m.headers?.[DLQ_HEADERS.reason]?.length).toBeGreaterThan(10);
      expect(m.headers?.[DLQ_HEADERS.sourceTopic]).toBe(TAPS);
      expect(m.headers?.[DLQ_HEADERS.sourceOffset]).toMatch(/^\d+$/);
    }
    const magic = h.out.dlq.find((m) => m.key === 'x')!;
    expect(Buffer.from(magic.value!).toString()).toBe('not a frame at all');
    expect(h.out.verdicts[0]!.outcome).toBe('match');
    const metrics = await h.metrics();
    expect(sum(metrics.get('shadow.dlq'))).toBe(3);
    expect(
      sum(metrics.get('shadow.dlq'), (a) => a.code === 'ERR_DECODE_MAGIC' && a.route === 'unknown'),
    ).toBe(1);
  });

  it('builds no verdict messages for a publisher that discards them; metrics, samples and DLQ carry on', async () => {
    const h = await setup({}, true);
    current = h;
    await h.publish([
      { key: 'x', value: Buffer.from('not a frame at all') },
      ...['a', 'b', 'c'].flatMap((id) => [
        { key: id, value: encodedHalf(id, 'primary', { total: 10 }) },
        { key: id, value: encodedHalf(id, 'shadow', { total: id === 'a' ? 11 : 10 }) },
      ]),
    ]);
    await waitFor('three verdicts decided', () => h.worker.counters.verdicts === 3);
    await waitFor('one DLQ copy', () => h.out.dlq.length === 1);
    expect(h.out.verdicts).toEqual([]);
    expect(h.published).toEqual([h.config.kafka.topics.dlq]);
    const metrics = await h.metrics();
    expect(sum(metrics.get('shadow.pairs'))).toBe(3);
    expect(sum(metrics.get('shadow.pairs'), (a) => a.outcome === 'diff')).toBe(1);
    await waitFor('samples', async () => {
      const s = await h.samples.stats({
        service: 'orders',
        route: 'GET /orders/{id}',
        from: Date.now() - 120_000,
        to: Date.now() + 60_000,
      });
      return s.pairs === 3 && s.outcomes.diff === 1;
    });
  });
});
