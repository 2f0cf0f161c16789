import { createNoopMeter } from '@opentelemetry/api';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { catalogNoise } from '@shadowdiff/console';
import type { ConsoleNoise } from '@shadowdiff/console';
import { NoiseCatalog, compileRules } from '@shadowdiff/engine';
import type { RecordPublisher, SampleStore } from '@shadowdiff/engine';
import {
  MemoryBus,
  MemoryNoiseStore,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { startWorker } from '@shadowdiff/worker';
import { verdictSink } from '../embedded/verdict-sink.js';

/**
 * A worker on the in-memory adapters, fed through the memory bus: the judging path of the embedded
 * pipeline (services/cli/src/embedded) without its console, which a CI run has no one to show.
 */
export interface EmbeddedJudge {
  /** Where TapRecords go (`kafka.topics.taps` on the memory bus). */
  publisher: RecordPublisher;
  samples: SampleStore;
  /** Learned noise and decisions, as the console and the report read them. */
  noise: ConsoleNoise;
  /** Verdicts decided so far. */
  verdicts(): number;
  stop(): Promise<void>;
}

export async function startEmbeddedJudge(
  config: ShadowdiffConfig,
  log: (line: string) => void,
): Promise<EmbeddedJudge> {
  const bus = new MemoryBus();
  const samples = new MemorySampleStore();
  const noise = new MemoryNoiseStore();
  const worker = await startWorker({
    config,
    source: bus.source(config.kafka.topics.taps, config.worker.groupId),
    // Verdicts are counted and dropped (not even encoded), not kept on the bus: memory stays flat
    // over a long capture.
    publisher: verdictSink(config.kafka.topics.verdicts, undefined, (m) =>
      log(`worker: ${m.topic}: message not delivered in one-process mode (${m.key ?? ''})`),
    ),
    store: new MemoryPendingStore(),
    scheduler: new TimerOrphanScheduler(),
    samples,
    noise,
    // A replay is short: learned noise and the secondary's evidence refresh four times a second.
    noiseFlushMs: 250,
    // A CI run exports no metrics: its evidence is the table, the report and the exit code.
    meter: createNoopMeter(),
    clock: systemClock,
    log,
  });
  return {
    publisher: bus.publisher(),
    samples,
    noise: catalogNoise(
      new NoiseCatalog({ store: noise, config: config.noise, rules: compileRules(config.rules) }),
    ),
    verdicts: () => worker.counters.verdicts,
    stop: () => worker.stop(),
  };
}
