import type { Meter } from '@opentelemetry/api';
import { mergeConfig, validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import type { RecordPublisher, SampleStore } from '@shadowdiff/engine';
import { startTap } from '@shadowdiff/tap';
import { demoPath, startSampleService } from './sample-services.js';
import { driftSummary } from './summary.js';
import type { RouteDrift } from './summary.js';
import { driveTraffic } from './traffic.js';
import type { TrafficResult } from './traffic.js';

export const DEMO_SERVICE = 'orders-demo';

/** The demo's config on top of the user's: sample service name and a short alignment window. */
export function demoConfig(
  base: ShadowdiffConfig,
  overrides: Record<string, unknown> = {},
): ShadowdiffConfig {
  return validateConfig(
    mergeConfig(
      mergeConfig(base, {
        service: base.service === 'default' ? DEMO_SERVICE : base.service,
        worker: { windowMs: Math.min(base.worker.windowMs, 3_000) },
      }),
      overrides,
    ),
    'demo config',
  );
}

export interface ScenarioOptions {
  config: ShadowdiffConfig;
  /** Where the tap's records go (the memory bus, or Kafka). */
  publisher: RecordPublisher;
  /** What the worker(s) write, read for the summary. */
  samples: SampleStore;
  /** Verdicts emitted so far by the worker(s). */
  verdicts: () => Promise<number>;
  meter: Meter;
  requests: number;
  concurrency: number;
  log: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface ScenarioRun {
  traffic: TrafficResult;
  drift: RouteDrift[];
  verdicts: number;
  tapUrl: string;
  close(): Promise<void>;
}

/**
 * Sample primary and shadow (seeded drift and noise) behind the mirror tap; drives traffic, waits
 * until every request has its verdict (or none arrived for a whole window), returns the drift.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioRun> {
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
        tap: {
          mode: 'mirror',
          primary: primary.url,
          shadow: shadow.url,
          listen: '127.0.0.1:0',
          adminListen: '127.0.0.1:0',
        },
      }),
      'demo config',
    );
    const tap = await startTap({
      config,
      publisher: options.publisher,
      meter: options.meter,
      log: (line) => options.log.write(`${line}\n`),
    });
    closers.push(() => tap.close());

    const started = Date.now();
    const traffic = await driveTraffic({
      baseUrl: tap.url,
      total: options.requests,
      concurrency: options.concurrency,
      path: demoPath,
      progress: options.log,
      ...(options.signal ? { signal: options.signal } : {}),
    });

    const quietFor = config.worker.windowMs + 2_000;
    let verdicts = await options.verdicts();
    let lastChange = Date.now();
    while (
      verdicts < traffic.sent &&
      !options.signal?.aborted &&
      Date.now() - lastChange <= quietFor
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = await options.verdicts();
      if (now !== verdicts) lastChange = Date.now();
      verdicts = now;
    }
    const drift = await driftSummary(
      options.samples,
      config.service,
      started - 60_000,
      Date.now() + 60_000,
    );
    return { traffic, drift, verdicts, tapUrl: tap.url, close };
  } catch (error) {
    await close();
    throw error;
  }
}
