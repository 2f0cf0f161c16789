import type { Meter } from '@opentelemetry/api';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import type { SampleStore } from '@shadowdiff/engine';
import { startEmbedded } from '../embedded/pipeline.js';
import type { EmbeddedPipeline } from '../embedded/pipeline.js';
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
  /** The flag that set `console.listen`, for the address-in-use error. */
  consoleListenFlag?: string;
}

export interface DemoRun extends ScenarioRun {
  service: string;
  /** The config the demo ran with (the user's, plus the demo's service name and window). */
  config: ShadowdiffConfig;
  samples: SampleStore;
  /** The embedded pipeline (stores, learned noise) the run went through. */
  embedded: EmbeddedPipeline;
  /** The console over this run's samples and learned noise (`console.listen`). */
  consoleUrl: string;
}

/**
 * The demo: the scenario's sample services and mirror tap in front of the embedded pipeline
 * (memory bus, one worker on in-memory adapters, console) — see `startEmbedded`.
 */
export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const config = demoConfig(options.config);
  const embedded = await startEmbedded({
    config,
    meter: options.meter,
    log: (line) => options.log.write(`${line}\n`),
    ...(options.consoleListenFlag ? { consoleListenFlag: options.consoleListenFlag } : {}),
  });
  try {
    const run = await runScenario({
      config,
      publisher: embedded.publisher,
      samples: embedded.samples,
      verdicts: () => Promise.resolve(embedded.worker.counters.verdicts),
      meter: options.meter,
      requests: options.requests ?? 2_000,
      concurrency: options.concurrency ?? 16,
      log: options.log,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return {
      ...run,
      service: config.service,
      config,
      samples: embedded.samples,
      embedded,
      consoleUrl: embedded.consoleUrl,
      close: async () => {
        await run.close();
        await embedded.close();
      },
    };
  } catch (error) {
    await embedded.close();
    throw error;
  }
}
