/**
 * The accuracy benches' pipeline: the real mirror tap in front of two loopback services, and a
 * real worker, with no config file (every rule and noise setting at its default). Embedded: the
 * in-memory bus and stores. Fleet (`fleet: true`): the tap publishes to the real Kafka broker
 * (KAFKA_BROKERS, default 127.0.0.1:19092), and the worker is the `worker` verb's wiring (Kafka
 * consumer group, transactions, Redis pending store, swept orphans, Redis noise and sample
 * stores at REDIS_URL) on topics and a key prefix of the run's own, dropped at the end.
 */
import * as http from 'node:http';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { decodeVerdict, validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfig, Verdict } from '@shadowdiff/contracts';
import type { NoiseStore, RecordPublisher, SampleStore } from '@shadowdiff/engine';
import {
  MemoryBus,
  MemoryNoiseStore,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { createKafkaPublisher } from '@shadowdiff/kafka';
import { startTap } from '@shadowdiff/tap';
import { createTopic, dropKeysAt, testKafka } from '@shadowdiff/testkit/fixtures';
import { createFleetAdapters, startWorker } from '@shadowdiff/worker';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PipelineOptions {
  /** Names the run's topics, consumer groups and Redis key prefix (fleet mode). */
  name: string;
  service: string;
  primary: string;
  shadow: string;
  fleet: boolean;
}

export interface Pipeline {
  config: ShadowdiffConfig;
  /** The tap's client-facing URL. */
  tapUrl: string;
  /** Verdicts read back from the verdicts topic, by trace id. */
  verdicts: Map<string, Verdict>;
  noise: NoiseStore;
  samples: SampleStore;
  /** One line on where the pipeline runs. */
  describe: string;
  /** Waits until `count` verdicts arrived (at most `timeoutMs`); false when they did not. */
  waitVerdicts(count: number, timeoutMs?: number): Promise<boolean>;
  /** Stops the tap and the worker (the worker writes its last window of noise statistics). */
  stopTraffic(): Promise<void>;
  /** Every metric the tap and worker exported, by name (after `stopTraffic`). */
  metrics(): Promise<Map<string, MetricData>>;
  /** Closes the stores and readers; fleet mode drops the run's Redis keys. */
  close(): Promise<void>;
}

export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const run = `${options.name}-${Date.now().toString(36)}`;
  // No config file: the tap's upstreams and loopback ports are all that is set (plus, in fleet
  // mode, where the broker and Redis are and a run's own topics and key prefix).
  const config = validateConfig({
    service: options.service,
    tap: {
      mode: 'mirror',
      primary: options.primary,
      shadow: options.shadow,
      listen: '127.0.0.1:0',
      adminListen: '127.0.0.1:0',
    },
    ...(options.fleet
      ? {
          kafka: {
            brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
            topics: { taps: `${run}.taps`, verdicts: `${run}.verdicts`, dlq: `${run}.dlq` },
          },
          redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: `${run}:` },
          worker: { groupId: `${run}-workers` },
        }
      : {}),
  });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('bench-accuracy');
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const verdicts = new Map<string, Verdict>();
  const onVerdict = (value: Uint8Array | null) => {
    const d = decodeVerdict(value);
    if (d.ok) verdicts.set(d.value.traceId, d.value);
  };
  let noise: NoiseStore;
  let samples: SampleStore;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let tapPublisher: RecordPublisher;
  // Stops the verdict reader (and in fleet mode closes the adapters, drops the run's keys).
  let closeFleet: () => Promise<void>;
  if (options.fleet) {
    const { brokers, topics } = config.kafka;
    await createTopic(brokers, topics.taps, 6);
    await createTopic(brokers, topics.verdicts, 3);
    await createTopic(brokers, topics.dlq, 1);
    const adapters = createFleetAdapters({ config, log });
    noise = adapters.noise;
    samples = adapters.samples;
    worker = await startWorker({ config, ...adapters, meter, clock: systemClock, log });
    const publisher = createKafkaPublisher({ brokers, clientId: `${run}-tap`, log });
    await publisher.ready();
    tapPublisher = publisher;
    const consumer = testKafka(brokers, `${run}-reader`).consumer({ groupId: `${run}-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.verdicts, fromBeginning: true });
    await consumer.run({ eachMessage: ({ message }) => Promise.resolve(onVerdict(message.value)) });
    closeFleet = async () => {
      await publisher.close();
      await consumer.disconnect();
      await adapters.close();
      await dropKeysAt(config.redis.url, config.redis.keyPrefix);
    };
  } else {
    const bus = new MemoryBus();
    noise = new MemoryNoiseStore();
    samples = new MemorySampleStore();
    worker = await startWorker({
      config,
      source: bus.source(config.kafka.topics.taps, config.worker.groupId),
      publisher: bus.publisher(),
      store: new MemoryPendingStore(),
      scheduler: new TimerOrphanScheduler(),
      samples,
      meter,
      clock: systemClock,
      noise,
      log,
    });
    const verdictSource = bus.source(config.kafka.topics.verdicts, 'bench-accuracy');
    await verdictSource.run((batch) => {
      for (const m of batch) onVerdict(m.value);
      return Promise.resolve();
    });
    closeFleet = () => verdictSource.stop();
    tapPublisher = bus.publisher();
  }
  const tap = await startTap({ config, publisher: tapPublisher, meter, log });

  return {
    config,
    tapUrl: tap.url,
    verdicts,
    noise,
    samples,
    describe: options.fleet
      ? `fleet: Kafka ${config.kafka.brokers.join(',')} (transactional worker), Redis ${config.redis.url}`
      : 'embedded: in-memory bus and stores',
    async waitVerdicts(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (verdicts.size < count && Date.now() < deadline) await sleep(50);
      return verdicts.size >= count;
    },
    async stopTraffic() {
      await tap.close();
      await worker.stop();
    },
    async metrics() {
      await reader.forceFlush();
      const out = new Map<string, MetricData>();
      for (const rm of exporter.getMetrics())
        for (const sm of rm.scopeMetrics) for (const m of sm.metrics) out.set(m.descriptor.name, m);
      return out;
    },
    async close() {
      await closeFleet();
      await provider.shutdown();
    },
  };
}

/** Sum of a counter's data points whose attributes pass `where`. */
export function sumMetric(
  m: MetricData | undefined,
  where: (a: Record<string, unknown>) => boolean = () => true,
): number {
  let n = 0;
  for (const p of m?.dataPoints ?? [])
    if (where(p.attributes)) n += typeof p.value === 'number' ? p.value : 0;
  return n;
}

/**
 * Sends requests `from`..`to` (exclusive) through the tap, `concurrency` at a time, request `n`
 * at `pathOf(n)` with the W3C trace parent `traceparent(n)`. Returns how many failed.
 */
export async function drive(options: {
  base: string;
  from: number;
  to: number;
  concurrency: number;
  agent: http.Agent;
  pathOf(n: number): string;
  traceparent(n: number): string;
}): Promise<number> {
  const { base, to, agent } = options;
  let next = options.from;
  let failed = 0;
  const one = (n: number) =>
    new Promise<void>((resolve) => {
      const req = http.get(
        `${base}${options.pathOf(n)}`,
        { agent, headers: { traceparent: options.traceparent(n), 'accept-encoding': 'gzip' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < to) await one(next++);
    }),
  );
  return failed;
}

/** A W3C traceparent whose trace id is `base + n` (32 hex digits). */
export function traceparentOf(base: number, n: number): string {
  return `00-${traceIdOf(base, n)}-${(n + 1).toString(16).padStart(16, '0')}-01`;
}

export function traceIdOf(base: number, n: number): string {
  return (base + n).toString(16).padStart(32, '0');
}
