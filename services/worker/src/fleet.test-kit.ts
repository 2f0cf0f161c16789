/**
 * Shared set-up of the worker's integration tests (real Kafka + Redis): unique topics, group and
 * key prefix per test, a worker wired exactly as the `worker` verb wires it, and an OTel meter
 * whose points can be read back. Not exported from the package.
 */
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { decodeVerdict, validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfig, Verdict } from '@shadowdiff/contracts';
import {
  createTopic,
  kafkaBrokers,
  readToEnd,
  redisUrl,
  testKafka,
  uniqueName,
} from '@shadowdiff/testkit';
export { dropKeys } from '@shadowdiff/testkit';
import type { Consumer, Producer } from 'kafkajs';
import { createFleetAdapters } from './fleet-adapters.js';
import { startWorker } from './start-worker.js';
import type { Worker } from './start-worker.js';

export interface FleetNames {
  taps: string;
  verdicts: string;
  dlq: string;
  group: string;
  prefix: string;
}

export async function fleetNames(): Promise<FleetNames> {
  const id = uniqueName('wk');
  const names = {
    taps: `${id}.taps`,
    verdicts: `${id}.verdicts`,
    dlq: `${id}.dlq`,
    group: `${id}-group`,
    prefix: `sdtest:${id}:`,
  };
  const brokers = kafkaBrokers();
  for (const [topic, partitions] of [
    [names.taps, 6],
    [names.verdicts, 3],
    [names.dlq, 1],
  ] as const) {
    // One at a time, retried: a freshly created topic's metadata can lag on a busy shared broker.
    for (let attempt = 1; ; attempt++) {
      try {
        await createTopic(brokers, topic, partitions);
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }
  return names;
}

export function fleetConfig(
  names: FleetNames,
  over: { windowMs?: number; redisUrl?: string } = {},
): ShadowdiffConfig {
  return validateConfig({
    service: 'orders',
    kafka: {
      brokers: kafkaBrokers(),
      topics: { taps: names.taps, verdicts: names.verdicts, dlq: names.dlq },
    },
    redis: { url: over.redisUrl ?? redisUrl(), keyPrefix: names.prefix },
    worker: { groupId: names.group, windowMs: over.windowMs ?? 2_000 },
    telemetry: { prometheus: { enabled: false } },
  });
}

export interface TestWorker {
  worker: Worker;
  logs: string[];
  metrics(): Promise<Map<string, MetricData>>;
  stop(): Promise<void>;
}

/** One in-process fleet member on the real adapters, with an in-memory metric exporter. */
export async function startTestWorker(
  config: ShadowdiffConfig,
  options: { sessionTimeoutMs?: number } = {},
): Promise<TestWorker> {
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const adapters = createFleetAdapters({
    config,
    log,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 6_000,
  });
  const worker = await startWorker({
    config,
    ...adapters,
    meter: provider.getMeter('shadowdiff.worker'),
    clock: { now: () => Date.now() },
    log,
  });
  let stopped: Promise<void> | undefined;
  return {
    worker,
    logs,
    async metrics() {
      await reader.forceFlush();
      const map = new Map<string, MetricData>();
      for (const rm of exporter.getMetrics()) {
        for (const sm of rm.scopeMetrics) for (const m of sm.metrics) map.set(m.descriptor.name, m);
      }
      return map;
    },
    stop: () =>
      (stopped ??= (async () => {
        await worker.stop();
        await adapters.close();
        await provider.shutdown();
      })()),
  };
}

/** Sum of a counter's (or histogram's count) points matching `where`. */
export function total(
  metric: MetricData | undefined,
  where: (attributes: Record<string, unknown>) => boolean = () => true,
): number {
  let sum = 0;
  for (const p of metric?.dataPoints ?? []) {
    if (!where(p.attributes)) continue;
    sum += typeof p.value === 'number' ? p.value : ((p.value as { count?: number }).count ?? 0);
  }
  return sum;
}

export async function producer(): Promise<Producer> {
  const p = testKafka(kafkaBrokers()).producer();
  await p.connect();
  return p;
}

/** Counts verdicts as they arrive (for waiting); the final check reads the topic to its end. */
export async function verdictWatcher(
  topic: string,
): Promise<{ seen: Set<string>; count: () => number; stop(): Promise<void> }> {
  const consumer: Consumer = testKafka(kafkaBrokers()).consumer({ groupId: uniqueName('watch') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Set<string>();
  let n = 0;
  await consumer.run({
    eachMessage: ({ message }) => {
      const d = decodeVerdict(message.value);
      if (d.ok) seen.add(d.value.traceId);
      n++;
      return Promise.resolve();
    },
  });
  return { seen, count: () => n, stop: () => consumer.disconnect() };
}

/** Every verdict on the topic, decoded; fails on anything that is not a valid Verdict. */
export async function allVerdicts(topic: string): Promise<Verdict[]> {
  const messages = await readToEnd(kafkaBrokers(), topic);
  return messages.map((m) => {
    const d = decodeVerdict(m.value);
    if (!d.ok) throw d.error;
    return d.value;
  });
}

/** Trace ids that got other than exactly one verdict, with their counts. */
export function notExactlyOnce(
  verdicts: Verdict[],
  expected: Iterable<string>,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of expected) counts.set(id, 0);
  for (const v of verdicts) counts.set(v.traceId, (counts.get(v.traceId) ?? 0) + 1);
  for (const [id, n] of counts) if (n === 1) counts.delete(id);
  return counts;
}

/** Waits until the consumer group has `members` members with partitions assigned. */
export async function groupMembers(
  group: string,
  members: number,
  timeoutMs = 30_000,
): Promise<void> {
  const admin = testKafka(kafkaBrokers()).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { groups } = await admin.describeGroups([group]);
      const g = groups[0];
      if (g?.state === 'Stable' && g.members.length === members) return;
      if (Date.now() > deadline) {
        throw new Error(
          `group ${group} has ${g?.members.length ?? 0} members (${g?.state}), want ${members}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
