import type { Meter } from '@opentelemetry/api';
import { mergeConfig, validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import type { SampleStore } from '@shadowdiff/engine';
import {
  MemoryBus,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { startTap } from '@shadowdiff/tap';
import { startWorker } from '@shadowdiff/worker';
import { demoPath, startSampleService } from './sample-services.js';
import { driftSummary } from './summary.js';
import type { RouteDrift } from './summary.js';
import { driveTraffic } from './traffic.js';
import type { TrafficResult } from './traffic.js';

export interface DemoOptions {
  /** Validated config; the demo overrides the tap's upstreams and its own service name. */
  config: ShadowdiffConfig;
  meter: Meter;
  /** Requests to drive. Default 2000. */
  requests?: number;
  /** Concurrent clients. Default 16. */
  concurrency?: number;
  /** Progress and log lines. */
  log: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface DemoRun {
  traffic: TrafficResult;
  drift: RouteDrift[];
  service: string;
  tapUrl: string;
  samples: SampleStore;
  /** Verdicts the worker emitted. */
  verdicts: number;
  /** Stops every component the demo started. */
  close(): Promise<void>;
}

const DEMO_SERVICE = 'orders-demo';

/**
 * The embedded pipeline in one process: sample primary and shadow services with seeded drift and
 * noise, the mirror tap in front of them, the worker on in-memory adapters (bus, pending store,
 * timer scheduler, sample store). Drives traffic, waits for every verdict, returns the drift.
 */
export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) await fn();
  };
  try {
    const primary = await startSampleService('primary');
    closers.push(() => primary.close());
    const shadow = await startSampleService('shadow');
    closers.push(() => shadow.close());

    const config = validateConfig(
      mergeConfig(options.config, {
        service: options.config.service === 'default' ? DEMO_SERVICE : options.config.service,
        tap: {
          mode: 'mirror',
          primary: primary.url,
          shadow: shadow.url,
          listen: '127.0.0.1:0',
          adminListen: '127.0.0.1:0',
        },
        worker: { windowMs: Math.min(options.config.worker.windowMs, 3_000) },
      }),
      'demo config',
    );

    const bus = new MemoryBus();
    const publisher = bus.publisher();
    const samples = new MemorySampleStore();
    const scheduler = new TimerOrphanScheduler();
    const worker = await startWorker({
      config,
      source: bus.source(config.kafka.topics.taps, config.worker.groupId),
      publisher,
      store: new MemoryPendingStore(),
      scheduler,
      samples,
      meter: options.meter,
      clock: systemClock,
      log: (line) => options.log.write(`${line}\n`),
    });
    closers.push(() => worker.stop());

    const tap = await startTap({
      config,
      publisher,
      meter: options.meter,
      log: (line) => options.log.write(`${line}\n`),
    });
    closers.push(() => tap.close());

    const started = Date.now();
    const traffic = await driveTraffic({
      baseUrl: tap.url,
      total: options.requests ?? 2_000,
      concurrency: options.concurrency ?? 16,
      path: demoPath,
      progress: options.log,
      ...(options.signal ? { signal: options.signal } : {}),
    });

    // Every mirrored request becomes one verdict: paired now, or an orphan after the window. Stop
    // waiting when each request has one, or when none arrived for a whole window (skipped mirrors).
    const quietFor = config.worker.windowMs + 1_000;
    let last = -1;
    let lastChange = Date.now();
    while (!options.signal?.aborted) {
      const { verdicts } = worker.counters;
      if (verdicts >= traffic.sent) break;
      if (verdicts !== last) {
        last = verdicts;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > quietFor) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const drift = await driftSummary(
      samples,
      config.service,
      started - 60_000,
      Date.now() + 60_000,
    );
    return {
      traffic,
      drift,
      service: config.service,
      tapUrl: tap.url,
      samples,
      verdicts: worker.counters.verdicts,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
