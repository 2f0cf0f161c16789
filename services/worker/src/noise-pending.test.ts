import { randomBytes } from 'node:crypto';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { decodeVerdict, validateConfig } from '@shadowdiff/contracts';
import type { Role, Verdict } from '@shadowdiff/contracts';
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

/** The embedded worker with the noise learner (flushing every 20 ms) and an in-memory meter. */
async function setup() {
  const config = validateConfig({
    service: 'orders',
    worker: { windowMs: 2_000 },
    noise: { minSamples: 30 },
  });
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
  // Verdicts as another team's consumer reads them: decoded against the v1 schema.
  const verdicts: Verdict[] = [];
  const consumer = bus.source(config.kafka.topics.verdicts, 'reader');
  await consumer.run((batch) => {
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
      await consumer.stop();
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

describe('worker: noise still being decided', () => {
  it('marks warm-up noise pairs noisePending, counts them apart, and never real drift', async () => {
    const h = await setup();
    current = h;
    await h.trace({ primary: { id: 1, cursor: token() }, shadow: { id: 1, cursor: token() } });
    await waitFor('first verdict', () => h.verdicts.length === 1);
    await waitFor('the cursor path is in the learner', async () =>
      (await h.catalog.list('orders')).some((e) => e.path === '/cursor'),
    );
    // The worker applies the store's snapshot right after writing it (same flush, every 20 ms).
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 10; i++) {
      await h.trace({ primary: { id: i, cursor: token() }, shadow: { id: i, cursor: token() } });
    }
    await waitFor('11 verdicts', () => h.verdicts.length === 11);
    // Real drift next to the same noise: a changed plain number is never pending.
    for (let i = 0; i < 5; i++) {
      await h.trace({
        primary: { id: i, cursor: token(), total: 10 },
        shadow: { id: i, cursor: token(), total: 11 },
      });
    }
    await waitFor('16 verdicts', () => h.verdicts.length === 16);

    expect(h.verdicts[0]!.noisePending).toBeUndefined();
    const warmup = h.verdicts.slice(1, 11);
    for (const v of warmup) {
      expect(v.outcome).toBe('diff');
      expect(v.diffs.map((d) => d.path)).toEqual(['/cursor']);
      expect(v.noisePending).toBe(true);
    }
    for (const v of h.verdicts.slice(11)) {
      expect(v.outcome).toBe('diff');
      expect(v.noisePending).toBeUndefined();
    }
    const m = await h.metrics();
    const route = (a: Record<string, unknown>) => a.route === 'GET /orders/{id}';
    // Raw counters keep every diff pair; the pending ones are counted apart as well.
    expect(sum(m.get('shadow.pairs'), (a) => route(a) && a.outcome === 'diff')).toBe(16);
    expect(sum(m.get('shadow.pairs.noise_pending'), route)).toBe(10);
  });
});
