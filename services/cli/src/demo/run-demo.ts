import type { Meter } from '@opentelemetry/api';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { catalogNoise, startConsole } from '@shadowdiff/console';
import { NoiseCatalog, compileRules } from '@shadowdiff/engine';
import type { SampleStore } from '@shadowdiff/engine';
import {
  MemoryBus,
  MemoryNoiseStore,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { startWorker } from '@shadowdiff/worker';
import { demoConfig, runScenario } from './scenario.js';
import type { ScenarioRun } from './scenario.js';

export interface DemoOptions {
  /** Validated config; the demo sets the tap's upstreams and its own service name. */
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

export interface DemoRun extends ScenarioRun {
  service: string;
  samples: SampleStore;
  /** The console over this run's samples and learned noise (`console.listen`). */
  consoleUrl: string;
}

/**
 * The embedded pipeline in one process: the scenario's tap publishes to an in-memory bus, one
 * worker consumes it on in-memory adapters (pending store, timer scheduler, sample store), and the
 * console serves its samples and learned noise.
 */
export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const config = demoConfig(options.config);
  const bus = new MemoryBus();
  const publisher = bus.publisher();
  const samples = new MemorySampleStore();
  const noise = new MemoryNoiseStore();
  const worker = await startWorker({
    config,
    source: bus.source(config.kafka.topics.taps, config.worker.groupId),
    publisher,
    store: new MemoryPendingStore(),
    scheduler: new TimerOrphanScheduler(),
    samples,
    // Zero-config noise learning, as in a fleet (where it lives in Redis).
    noise,
    meter: options.meter,
    clock: systemClock,
    log: (line) => options.log.write(`${line}\n`),
  });
  let console_: Awaited<ReturnType<typeof startConsole>> | undefined;
  try {
    console_ = await startConsole({
      config,
      samples,
      noise: catalogNoise(
        new NoiseCatalog({ store: noise, config: config.noise, rules: compileRules(config.rules) }),
      ),
      log: (line) => options.log.write(`${line}\n`),
    });
    const run = await runScenario({
      config,
      publisher,
      samples,
      verdicts: () => Promise.resolve(worker.counters.verdicts),
      meter: options.meter,
      requests: options.requests ?? 2_000,
      concurrency: options.concurrency ?? 16,
      log: options.log,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return {
      ...run,
      service: config.service,
      samples,
      consoleUrl: console_.url,
      close: async () => {
        await run.close();
        await console_?.close();
        await worker.stop();
      },
    };
  } catch (error) {
    await console_?.close();
    await worker.stop();
    throw error;
  }
}
