import type { Role, ShadowdiffConfig, TapRecord, Verdict } from '@shadowdiff/contracts';
import { NoiseLearner } from '@shadowdiff/engine';
import type { Clock, CompiledRules, NoiseFilter, NoiseStore, RouteMatch } from '@shadowdiff/engine';
import { describeError } from './worker-log.js';
import type { ThrottledLog } from './worker-log.js';

/** What the pipeline needs from learned noise: a filter to judge with, and the judged pair back. */
export interface PairNoise {
  /** The NoiseFilter for `judge` on a record of `service` (undefined: built-in rules only). */
  filterFor(service: string): NoiseFilter | undefined;
  /** Call right after the `judge` that used `filterFor`'s filter, with the route it judged on. */
  observe(verdict: Verdict, records: Partial<Record<Role, TapRecord>>, route?: RouteMatch): void;
}

export interface NoiseRuntimeOptions {
  store: NoiseStore;
  /** `noise`, `service` and `worker.maxRoutes` are read. */
  config: ShadowdiffConfig;
  rules: CompiledRules;
  clock: Clock;
  log: ThrottledLog;
  /**
   * How often a window of statistics is written and the fleet-wide decisions are reloaded.
   * Default 1000 ms: learning takes effect within about a second of the evidence.
   */
  flushMs?: number;
}

/**
 * The worker side of the noise learner: judges with the current decisions, writes each window of
 * observations to the store, and swaps in the fleet-wide decisions the store then holds (marking
 * newly learned entries there, so every worker and `shadowdiff noise list` agree). Best effort: a
 * store failure is logged and costs one window, never a verdict.
 */
export class NoiseRuntime implements PairNoise {
  private readonly learner: NoiseLearner;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Windows written and refreshes done, for tests and logs. */
  readonly counters = { windows: 0, refreshes: 0, failures: 0, learned: 0 };

  constructor(private readonly options: NoiseRuntimeOptions) {
    const { noise, worker } = options.config;
    // A secondary listed in worker.roles is there for Diffy-style noise cancelling.
    const secondary = noise.secondary.enabled || worker.roles.includes('secondary');
    this.learner = new NoiseLearner({
      config: { ...noise, secondary: { ...noise.secondary, enabled: secondary } },
      rules: options.rules,
      maxRoutes: options.config.worker.maxRoutes,
    });
  }

  filterFor(service: string): NoiseFilter | undefined {
    return this.learner.filterFor(service);
  }

  observe(verdict: Verdict, records: Partial<Record<Role, TapRecord>>, route?: RouteMatch): void {
    this.learner.observe(verdict, records, route);
  }

  /** Loads what the fleet already knows (learned entries survive restarts), then flushes periodically. */
  async start(): Promise<void> {
    await this.refresh([this.options.config.service]);
    this.timer = setInterval(() => void this.flush(), this.options.flushMs ?? 1_000);
    this.timer.unref();
  }

  /** Writes the window so far and reloads decisions; concurrent calls share one run. */
  flush(): Promise<void> {
    this.flushing ??= this.run().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async run(): Promise<void> {
    const { store, log } = this.options;
    for (const delta of this.learner.drain()) {
      try {
        await store.record(delta);
        this.counters.windows++;
      } catch (error) {
        this.counters.failures++;
        log.line(
          'noise-record',
          `worker: writing noise statistics failed: ${describeError(error)}`,
        );
      }
    }
    await this.refresh(this.learner.serviceNames());
  }

  private async refresh(services: string[]): Promise<void> {
    const { store, log, clock } = this.options;
    for (const service of new Set(services)) {
      try {
        const marks = this.learner.apply(await store.load(service));
        if (marks.length > 0) {
          await store.markLearned([...marks], clock.now());
          this.counters.learned += marks.length;
          log.line(
            `noise-learned-${service}`,
            `worker: learned noise on ${service}: ${marks
              .slice(0, 5)
              .map(
                (m) => `${m.key.route} ${m.key.path}${m.key.aspect === 'order' ? ' (order)' : ''}`,
              )
              .join(', ')}${marks.length > 5 ? ` and ${marks.length - 5} more` : ''}`,
          );
        }
        this.counters.refreshes++;
      } catch (error) {
        this.counters.failures++;
        log.line('noise-load', `worker: loading noise decisions failed: ${describeError(error)}`);
      }
    }
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }
}
