import type { Meter } from '@opentelemetry/api';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { compileRules } from '@shadowdiff/engine';
import type {
  Clock,
  NoiseStore,
  OrphanScheduler,
  PendingStore,
  RecordPublisher,
  RecordSource,
  SampleStore,
} from '@shadowdiff/engine';
import { ShadowMetrics } from '@shadowdiff/telemetry';
import { VerdictEmitter } from './emitter.js';
import type { EmitCounters } from './emitter.js';
import { expectedRoles } from './expected-roles.js';
import { NoiseRuntime } from './noise-runtime.js';
import { Pipeline } from './pipeline.js';
import type { PipelineCounters } from './pipeline.js';
import { ThrottledLog } from './worker-log.js';

export interface WorkerDeps {
  /** Validated config: `worker`, `rules`, `noise`, `kafka.topics`, `service` are read. */
  config: ShadowdiffConfig;
  /** TapRecords (Kafka consumer group in a fleet, the memory bus when embedded). */
  source: RecordSource;
  /** Where verdicts and DLQ copies go. */
  publisher: RecordPublisher;
  store: PendingStore;
  scheduler: OrphanScheduler;
  samples: SampleStore;
  /** OTel meter for the `shadow.*` instruments (see @shadowdiff/telemetry). */
  meter: Meter;
  clock: Clock;
  /** Log lines (throttled per kind). Default: discarded. */
  log?: (line: string) => void;
  /**
   * Where learned noise lives (Redis in a fleet, memory when embedded). When given, the worker
   * learns volatile fields (`noise.*` config) and judges with what the fleet learned and users
   * decided. Default: none — built-in volatile rules only.
   */
  noise?: NoiseStore;
  /** How often noise statistics are written and decisions reloaded. Default 1000 ms. */
  noiseFlushMs?: number;
}

export interface Worker {
  /** Running totals, for logs, tests and the CLI's summary line. */
  readonly counters: Readonly<PipelineCounters & EmitCounters>;
  /**
   * Graceful stop: the batch in hand finishes and commits, the orphan sweep in flight settles,
   * sample writes drain. The caller then closes the adapters it created.
   */
  stop(): Promise<void>;
}

/**
 * Starts one fleet member: consume TapRecords → align in the store → judge → emit verdicts,
 * metrics and samples; orphan deadlines from the scheduler become orphan verdicts. Resolves once
 * consuming.
 */
export async function startWorker(deps: WorkerDeps): Promise<Worker> {
  const { config } = deps;
  const log = new ThrottledLog(deps.log ?? (() => {}));
  const metrics = new ShadowMetrics(deps.meter, {
    maxRoutes: config.worker.maxRoutes,
    pathsPerRoute: config.worker.pathsPerRoute,
  });
  let stopping = false;
  const emitter = new VerdictEmitter({
    store: deps.store,
    publisher: deps.publisher,
    samples: deps.samples,
    metrics,
    log,
    verdictTopic: config.kafka.topics.verdicts,
    examplesPerPath: config.worker.examplesPerPath,
    stopping: () => stopping,
  });
  const rules = compileRules(config.rules);
  const noise =
    deps.noise === undefined
      ? undefined
      : new NoiseRuntime({
          store: deps.noise,
          config,
          rules,
          clock: deps.clock,
          log,
          flushMs: deps.noiseFlushMs,
        });
  await noise?.start();
  const pipeline = new Pipeline({
    service: config.service,
    expected: expectedRoles(config),
    windowMs: config.worker.windowMs,
    dlqTopic: config.kafka.topics.dlq,
    rules,
    store: deps.store,
    scheduler: deps.scheduler,
    emitter,
    metrics,
    clock: deps.clock,
    log,
    noise,
  });

  await deps.scheduler.start((traceIds) => pipeline.handleDue(traceIds));
  try {
    await deps.source.run((batch) => pipeline.handleBatch(batch));
  } catch (error) {
    await deps.scheduler.stop();
    await noise?.stop();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    get counters() {
      return { ...pipeline.counters, ...emitter.counters };
    },
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        await deps.source.stop();
        await deps.scheduler.stop();
        await emitter.drain();
        await noise?.stop();
      })()),
  };
}
