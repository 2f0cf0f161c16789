/**
 * Runs the real tap (`startTap`) as its own process, as `shadowdiff tap` would: a kafkajs publisher
 * (or, for the capture-only row, one that discards) and an OTel SDK meter, so its CPU includes
 * capture, redaction, encoding, metrics and publishing. Prints its URL on stdout; on SIGTERM it
 * drains, flushes and deletes its benchmark topic.
 *
 *   node tap-process.js '<json TapProcessSpec>'
 */
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { validateConfig } from '@shadowdiff/contracts';
import type { RecordPublisher } from '@shadowdiff/engine';
import { createThreadedKafkaPublisher } from '@shadowdiff/kafka';
import { startTap } from '@shadowdiff/tap';
import { Kafka, logLevel } from 'kafkajs';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface TapProcessSpec {
  mode: 'sidecar' | 'mirror';
  primary: string;
  shadow?: string;
  /** `kafka`: publish to `topic` on `brokers`; `discard`: capture and encode, publish nowhere. */
  publisher: 'kafka' | 'discard';
  brokers: string[];
  topic: string;
  /** Overrides tap.buffer.lingerMs (default: the config default). */
  lingerMs?: number;
  /** Overrides tap.mirror.percent: 0 shows the proxy's own cost, with nothing recorded. */
  percent?: number;
}

const spec = JSON.parse(process.argv[2] as string) as TapProcessSpec;
const label = [
  spec.mode,
  spec.publisher === 'discard' ? 'no publish' : '',
  spec.percent === 0 ? '0%' : '',
  spec.shadow ? `shadow ${spec.shadow}` : '',
]
  .filter(Boolean)
  .join(', ');
const log = (line: string): void => {
  process.stderr.write(`[tap ${label}] ${line}\n`);
};

const admin =
  spec.publisher === 'kafka'
    ? new Kafka({
        brokers: spec.brokers,
        clientId: 'bench-tap-admin',
        logLevel: logLevel.NOTHING,
      }).admin()
    : undefined;
if (admin) {
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: spec.topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });
}
const publisher: RecordPublisher =
  spec.publisher === 'kafka'
    ? createThreadedKafkaPublisher({ brokers: spec.brokers, clientId: 'bench-tap', log })
    : { publish: () => Promise.resolve(), close: () => Promise.resolve() };
if ('ready' in publisher) await (publisher as { ready(): Promise<void> }).ready();

const reader = new PeriodicExportingMetricReader({
  exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
  exportIntervalMillis: 10_000,
});
const provider = new MeterProvider({ readers: [reader] });
const config = validateConfig({
  service: 'bench',
  kafka: { brokers: spec.brokers, topics: { taps: spec.topic } },
  tap: {
    mode: spec.mode,
    ...(spec.mode === 'sidecar'
      ? { upstream: spec.primary }
      : { primary: spec.primary, shadow: spec.shadow }),
    listen: '127.0.0.1:0',
    adminListen: '127.0.0.1:0',
    tapId: 'bench',
    ...(spec.lingerMs !== undefined ? { buffer: { lingerMs: spec.lingerMs } } : {}),
    ...(spec.percent !== undefined ? { mirror: { percent: spec.percent } } : {}),
    // BENCH_SELF_CHECK=0: mirror mode without self-check (on by default), to see what it costs.
    ...(process.env.BENCH_SELF_CHECK === '0' ? { selfCheck: { enabled: false } } : {}),
  },
});
const tap = await startTap({
  config,
  publisher,
  meter: provider.getMeter('@shadowdiff/tap'),
  redactKey: Buffer.from('bench-key'),
  log,
});
process.stdout.write(`${tap.url}\n`);
// BENCH_LOOP_DELAY=1: how long requests waited for the tap's own thread (kept apart from time
// spent queued for a core) and the garbage collector's pauses, by kind. Off by default: the 1 ms
// sampling timer would be charged to the tap's CPU.
const diagnose = process.env.BENCH_LOOP_DELAY === '1';
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
if (diagnose) loopDelay.enable();
// perf_hooks' NODE_PERFORMANCE_GC_* flags.
const gcKinds: Record<number, string> = {
  1: 'minor',
  4: 'major',
  8: 'incremental',
  16: 'weak callbacks',
};
const gcPauses = new Map<number, { count: number; total: number; max: number }>();
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
    const s = gcPauses.get(kind) ?? { count: 0, total: 0, max: 0 };
    s.count++;
    s.total += entry.duration;
    s.max = Math.max(s.max, entry.duration);
    gcPauses.set(kind, s);
    if (entry.duration >= 10) {
      log(
        `gc ${gcKinds[kind] ?? kind} pause of ${entry.duration.toFixed(1)} ms at ${(performance.timeOrigin + entry.startTime).toFixed(0)} (epoch ms)`,
      );
    }
  }
});
if (diagnose) gcObserver.observe({ entryTypes: ['gc'] });

process.once('SIGTERM', () => {
  void (async () => {
    if (diagnose) {
      loopDelay.disable();
      const ms = (ns: number): string => (ns / 1e6).toFixed(1);
      log(
        `event loop delay p50 ${ms(loopDelay.percentile(50))} ms, p99 ${ms(loopDelay.percentile(99))} ms, max ${ms(loopDelay.max)} ms`,
      );
      gcObserver.disconnect();
      for (const [kind, g] of gcPauses) {
        log(
          `gc ${gcKinds[kind] ?? kind}: ${g.count} pauses, ${g.total.toFixed(0)} ms in all, longest ${g.max.toFixed(1)} ms`,
        );
      }
    }
    await tap.close();
    await publisher.close();
    if (admin) {
      await admin.deleteTopics({ topics: [spec.topic] }).catch(() => {});
      await admin.disconnect();
    }
    await provider.shutdown();
    process.exit(0);
  })();
});
