import { randomBytes } from 'node:crypto';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { decodeVerdict, validateConfig } from '@shadowdiff/contracts';
import type { Role, ShadowdiffConfigInput, Verdict } from '@shadowdiff/contracts';
import { NoiseCatalog, compileRules } from '@shadowdiff/engine';
import {
  MemoryBus,
  MemoryNoiseStore,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { encodedJsonTapRecord as encodedHalf, waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorker } from './start-worker.js';

async function setup(overrides: ShadowdiffConfigInput = {}) {
  const config = validateConfig({ service: 'orders', worker: { windowMs: 2_000 }, ...overrides });
  const bus = new MemoryBus({ partitions: 2 });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const noise = new MemoryNoiseStore();
  const worker = await startWorker({
    config,
    source: bus.source(config.kafka.topics.taps, config.worker.groupId),
    publisher: bus.publisher(),
    store: new MemoryPendingStore(),
    scheduler: new TimerOrphanScheduler(),
    samples: new MemorySampleStore(),
    meter: provider.getMeter('test'),
    clock: systemClock,
    noise,
    noiseFlushMs: 20,
  });
  const verdicts: Verdict[] = [];
  const reader2 = bus.source(config.kafka.topics.verdicts, 'reader');
  await reader2.run((batch) => {
    for (const m of batch) {
      const d = decodeVerdict(m.value);
      if (!d.ok) throw d.error;
      verdicts.push(d.value);
    }
    return Promise.resolve();
  });
  const publisher = bus.publisher();
  const catalog = new NoiseCatalog({ store: noise, config: config.noise, rules: compileRules({}) });
  let n = 0;
  return {
    verdicts,
    catalog,
    noise,
    /** Publishes one trace: a body per role, same URL. */
    async trace(bodies: Partial<Record<Role, unknown>>): Promise<void> {
      const id = `trace-${n++}`;
      await publisher.publish(
        Object.entries(bodies).map(([role, body]) => ({
          topic: config.kafka.topics.taps,
          key: id,
          value: encodedHalf(id, role as Role, body, { url: `/orders/${n}` }),
        })),
      );
    },
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
      await reader2.stop();
      await provider.shutdown();
    },
  };
}

const sum = (m: MetricData | undefined, where: (a: Record<string, unknown>) => boolean) =>
  (m?.dataPoints ?? [])
    .filter((p) => where(p.attributes))
    .reduce((t, p) => t + (typeof p.value === 'number' ? p.value : 0), 0);

const token = () => randomBytes(18).toString('base64url') + '7';

let current: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe('worker with the noise learner', () => {
  it('learns a per-request token, then counts it as suppressed instead of drift', async () => {
    const h = await setup({ noise: { minSamples: 30 } });
    current = h;
    for (let i = 0; i < 40; i++) {
      await h.trace({
        primary: { id: i, total: 10, requestToken: token() },
        shadow: { id: i, total: 10, requestToken: token() },
      });
    }
    await waitFor('40 verdicts', () => h.verdicts.length === 40);
    await waitFor('learned', async () =>
      (await h.catalog.list('orders')).some(
        (e) => e.path === '/requestToken' && e.status === 'learned',
      ),
    );
    for (let i = 0; i < 20; i++) {
      await h.trace({
        primary: { id: i, total: 10, requestToken: token() },
        shadow: { id: i, total: i % 4 === 0 ? 11 : 10, requestToken: token() },
      });
    }
    await waitFor('60 verdicts', () => h.verdicts.length === 60);
    const late = h.verdicts.slice(40);
    expect(late.filter((v) => v.outcome === 'diff').map((v) => v.diffs.map((d) => d.path))).toEqual(
      Array.from({ length: 5 }, () => ['/total']),
    );
    for (const v of late) {
      expect(v.suppressed).toContainEqual({
        kind: 'body',
        path: '/requestToken',
        reason: 'learned',
      });
    }
    const m = await h.metrics();
    // Both views: drift after noise removal, and what noise took out.
    expect(sum(m.get('shadow.diffs'), (a) => a.path === '/requestToken')).toBe(40);
    expect(sum(m.get('shadow.diffs'), (a) => a.path === '/total')).toBe(5);
    expect(
      sum(m.get('shadow.suppressed'), (a) => a.path === '/requestToken' && a.reason === 'learned'),
    ).toBe(20);
    const listed = (await h.catalog.list('orders')).find((e) => e.path === '/requestToken')!;
    expect(listed).toMatchObject({ status: 'learned', route: 'GET /orders/{id}' });
    expect(listed.evidence).toMatchObject({ valueKind: 'random-token', changeRate: 1 });
    expect(listed.learnedAt).toBeGreaterThan(0);
  });

  it('cancels noise the secondary shows too, and keeps drift only the shadow has', async () => {
    // Listing the secondary in worker.roles is enough to turn the Diffy role on.
    const h = await setup({
      noise: { learn: false },
      worker: { windowMs: 2_000, roles: ['primary', 'shadow', 'secondary'] },
    });
    current = h;
    const triple = (i: number) => ({
      primary: { price: 10, servedBy: `node-${i % 5}` },
      secondary: { price: 10, servedBy: `node-${(i + 2) % 5}` },
      shadow: { price: i % 3 === 0 ? 12 : 10, servedBy: `node-${(i + 1) % 5}` },
    });
    for (let i = 0; i < 30; i++) await h.trace(triple(i));
    await waitFor('30 verdicts', () => h.verdicts.length === 30);
    await waitFor('secondary counted', async () => {
      const snapshot = await (
        h.catalog as unknown as { options: { store: MemoryNoiseStore } }
      ).options.store.load('orders');
      return snapshot.routes[0]?.secondary?.pairs === 30;
    });
    for (let i = 30; i < 60; i++) await h.trace(triple(i));
    await waitFor('60 verdicts', () => h.verdicts.length === 60);
    const late = h.verdicts.slice(30);
    for (const v of late) {
      expect(v.roles).toEqual(['primary', 'shadow', 'secondary']);
      expect(v.suppressed).toContainEqual({ kind: 'body', path: '/servedBy', reason: 'secondary' });
    }
    expect(late.filter((v) => v.outcome === 'diff')).toHaveLength(10);
    for (const v of late.filter((x) => x.outcome === 'diff')) {
      expect(v.diffs.map((d) => d.path)).toEqual(['/price']);
    }
  });
});
