import type { NoiseConfig, Role, SuppressReason, TapRecord, Verdict } from '@shadowdiff/contracts';
import type { DiffKind, DiffOp } from '@shadowdiff/contracts';
import type { NoiseFilter } from '../judge/noise-filter.js';
import type { NoiseDelta, NoiseMark, NoiseSnapshot } from '../ports/noise-store.js';
import type { CompiledRouteRule, CompiledRules } from '../route/compile-rules.js';
import type { RouteMatch } from '../route/template-route.js';
import { NoiseAccumulator } from './accumulator.js';
import { NoiseView } from './noise-view.js';
import { observePair } from './observe-pair.js';
import type { TakenFinding } from './observe-pair.js';
import { SelfCheckOverlay } from './self-check-overlay.js';

export interface NoiseLearnerOptions {
  config: NoiseConfig;
  rules: CompiledRules;
  /** Routes tracked per service per window. Default 500 (`worker.maxRoutes`). */
  maxRoutes?: number;
  /** Entries tracked per route per window. Default 100. */
  maxEntriesPerRoute?: number;
  /** Services learned at once; records of further services are judged with built-in rules only. Default 16. */
  maxServices?: number;
}

interface ServiceState {
  accumulator: NoiseAccumulator;
  view: NoiseView;
  filter: CapturingFilter;
}

/**
 * Forwards to the current view and remembers what it took out of the pair being judged. Self-check
 * evidence this worker gathered since its view was built counts at once (`local`): the pairs of a
 * route right after its first self-checked one need not wait for the next refresh, nor do the
 * first pairs of other routes borrowing it (`NoiseView.siblingsExplain`).
 */
class CapturingFilter implements NoiseFilter {
  taken: TakenFinding[] = [];
  readonly local = new SelfCheckOverlay();

  constructor(private readonly state: () => NoiseView) {}

  suppress(route: string, kind: DiffKind, path: string, op: DiffOp): SuppressReason | undefined {
    const view = this.state();
    let reason = view.suppressByRoute(route, kind, path, op);
    if (reason === undefined) {
      const local = this.local;
      const extra = local.has(route) ? local.counts(route, kind, path) : undefined;
      if (extra !== undefined && view.selfCheckExplains(route, kind, path, op, extra)) {
        reason = 'secondary';
      } else if (
        view.siblingsExplain(route, kind, path, op, extra, local.noisyRoutes(kind, path, op))
      ) {
        reason = 'secondary';
      }
    }
    if (reason !== undefined) this.taken.push({ kind, path, op });
    return reason;
  }

  selfChecked(route: string, kind: DiffKind, path: string, op: DiffOp): SuppressReason | undefined {
    const reason = this.state().selfChecked(route, kind, path);
    if (reason !== undefined) this.taken.push({ kind, path, op });
    return reason;
  }

  rule(route: string, configured: CompiledRouteRule | undefined): CompiledRouteRule | undefined {
    return this.state().rule(route, configured);
  }

  pending(route: string, kind: DiffKind, path: string, op: DiffOp): boolean {
    return this.state().pending(route, kind, path, op);
  }
}

/**
 * The noise learner of one worker, pure (no I/O, no clock): `filterFor(service)` is the
 * {@link NoiseFilter} to pass to `judge`, `observe` feeds the judged pair back; `drain` hands a
 * window of statistics to a store and `apply` swaps in the decisions over the store's fleet-wide
 * snapshot. Call `observe` right after the `judge` that used the filter (they share a scratch
 * list of what the filter took out: judging is synchronous, so pairs never interleave).
 */
export class NoiseLearner {
  private readonly services = new Map<string, ServiceState>();
  private readonly maxServices: number;

  constructor(private readonly options: NoiseLearnerOptions) {
    this.maxServices = options.maxServices ?? 16;
  }

  private state(service: string): ServiceState | undefined {
    let state = this.services.get(service);
    if (state === undefined) {
      if (this.services.size >= this.maxServices) return undefined;
      const s: ServiceState = {
        accumulator: new NoiseAccumulator({
          service,
          maxRoutes: this.options.maxRoutes,
          maxEntriesPerRoute: this.options.maxEntriesPerRoute,
        }),
        view: NoiseView.empty(service, this.options),
        filter: new CapturingFilter(() => s.view),
      };
      state = s;
      this.services.set(service, state);
    }
    return state;
  }

  /** The filter for `judge` on a record of `service` (undefined past `maxServices`). */
  filterFor(service: string): NoiseFilter | undefined {
    const state = this.state(service);
    if (state !== undefined) state.filter.taken = [];
    return state?.filter;
  }

  /**
   * Counts a judged pair (orphans and errors are ignored). `route`: the route the pair was judged
   * on, passed along so the primary is not templated again.
   */
  observe(verdict: Verdict, records: Partial<Record<Role, TapRecord>>, route?: RouteMatch): void {
    const state = this.services.get(verdict.service);
    if (state === undefined) return;
    const taken = state.filter.taken;
    state.filter.taken = [];
    const observation = observePair(
      route === undefined ? { verdict, records, taken } : { verdict, records, taken, route },
      {
        rules: this.options.rules,
        view: state.view,
        secondary: true,
      },
    );
    if (observation === undefined) return;
    state.accumulator.observe(observation);
    if (observation.secondary !== undefined) {
      state.filter.local.add(observation.route, observation.secondary);
    }
  }

  /** Pairs observed since the last drain, over every service. */
  get pending(): number {
    let n = 0;
    for (const s of this.services.values()) n += s.accumulator.pending;
    return n;
  }

  /** Services seen (their snapshots are what `apply` wants). */
  serviceNames(): string[] {
    return [...this.services.keys()];
  }

  /** One window per service with observations; the accumulators start afresh. */
  drain(): NoiseDelta[] {
    const out: NoiseDelta[] = [];
    for (const s of this.services.values()) {
      const delta = s.accumulator.drain();
      if (delta !== undefined) out.push(delta);
      s.filter.local.flushed();
    }
    return out;
  }

  /** Swaps in the decisions over a fresh snapshot; returns the entries to mark learned in the store. */
  apply(snapshot: NoiseSnapshot): readonly NoiseMark[] {
    const state = this.state(snapshot.service);
    if (state === undefined) return [];
    state.view = new NoiseView(snapshot, this.options);
    state.filter.local.applied();
    return state.view.newlyLearned();
  }

  /** The current view of a service (for tests and diagnostics). */
  view(service: string): NoiseView | undefined {
    return this.services.get(service)?.view;
  }
}
