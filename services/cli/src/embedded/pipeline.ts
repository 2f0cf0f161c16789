import type { Meter } from '@opentelemetry/api';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { catalogNoise, startConsole } from '@shadowdiff/console';
import type { ConsoleNoise } from '@shadowdiff/console';
import { NoiseCatalog, compileRules } from '@shadowdiff/engine';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import {
  MemoryBus,
  MemoryNoiseStore,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { startWorker } from '@shadowdiff/worker';
import type { Worker } from '@shadowdiff/worker';
import { verdictSink } from './verdict-sink.js';

export interface EmbeddedOptions {
  /** Validated config: the worker, noise, rules and console sections are read. */
  config: ShadowdiffConfig;
  meter: Meter;
  /** Operational log lines (worker, console). */
  log: (line: string) => void;
  /** Stores to start from (e.g. loaded from `--state`); new empty ones by default. */
  samples?: MemorySampleStore;
  noise?: MemoryNoiseStore;
  /** Every verdict as the worker decides it (encoded Verdict v1 JSON). */
  onVerdict?: (value: Uint8Array) => void;
  /** The flag that sets `console.listen`, named when the address cannot be had. */
  consoleListenFlag?: string;
  /** Environment for the console token. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface EmbeddedPipeline {
  /** Where a tap publishes its records: the memory bus the worker consumes. */
  publisher: RecordPublisher;
  samples: MemorySampleStore;
  noise: MemoryNoiseStore;
  /** The console's view of learned noise (also what a report reads). */
  consoleNoise: ConsoleNoise;
  worker: Worker;
  consoleUrl: string;
  /** Stops the console, then the worker (the batch in hand finishes). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The one-process pipeline both `demo` and `run` use: a memory bus for tap records, one worker on
 * the in-memory adapters (pending store, timer scheduler, sample store) with zero-config noise
 * learning, and the console over its samples and learned noise. The caller puts a tap in front.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedPipeline> {
  const { config } = options;
  const bus = new MemoryBus();
  const samples = options.samples ?? new MemorySampleStore();
  const noise = options.noise ?? new MemoryNoiseStore();
  const worker = await startWorker({
    config,
    source: bus.source(config.kafka.topics.taps, config.worker.groupId),
    publisher: verdictSink(config.kafka.topics.verdicts, options.onVerdict, (m: OutboundMessage) =>
      options.log(`worker: ${m.topic}: message not delivered in one-process mode (${m.key ?? ''})`),
    ),
    store: new MemoryPendingStore(),
    scheduler: new TimerOrphanScheduler(),
    samples,
    // Zero-config noise learning, as in a fleet (where it lives in Redis).
    noise,
    meter: options.meter,
    clock: systemClock,
    log: options.log,
  });
  const consoleNoise = catalogNoise(
    new NoiseCatalog({ store: noise, config: config.noise, rules: compileRules(config.rules) }),
  );
  let console_: Awaited<ReturnType<typeof startConsole>>;
  try {
    console_ = await startConsole({
      config,
      samples,
      noise: consoleNoise,
      log: options.log,
      ...(options.env ? { env: options.env } : {}),
      ...(options.consoleListenFlag ? { listenFlag: options.consoleListenFlag } : {}),
    });
  } catch (error) {
    await worker.stop();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    publisher: bus.publisher(),
    samples,
    noise,
    consoleNoise,
    worker,
    consoleUrl: console_.url,
    close: () =>
      (closing ??= (async () => {
        await console_.close();
        await worker.stop();
      })()),
  };
}
