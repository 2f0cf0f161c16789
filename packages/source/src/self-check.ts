import { performance } from 'node:perf_hooks';
import type { SelfCheckConfig } from '@shadowdiff/contracts';
import { templateRoute } from '@shadowdiff/engine';
import type { CompiledRules } from '@shadowdiff/engine';
import type { Recorder, Side } from './recorder.js';
import { pathOf } from './route-pattern.js';
import { isSampled } from './sampling.js';
import { sendShadow } from './shadow.js';
import type { ShadowTarget } from './shadow.js';
import type { TapMetrics } from './tap-metrics.js';

/** How a self-check went: a metric attribute (`shadow.tap.selfcheck{outcome}`), closed list. */
export const SELF_CHECK_OUTCOMES = [
  'sent',
  'skipped_unsafe',
  'skipped_inflight',
  'skipped_unavailable',
  'timeout',
  'error',
] as const;
export type SelfCheckOutcome = (typeof SELF_CHECK_OUTCOMES)[number];

/** Methods repeated on the primary: a second call must change nothing. Others never are. */
export const SELF_CHECK_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A taken self-check slot: `route` when it counts toward the route's first K. */
export interface SelfCheckTicket {
  route: string | undefined;
}

const ROUTE_CACHE = 4_096;

const SAMPLED: SelfCheckTicket = Object.freeze({ route: undefined });

/**
 * Self-check of a mirror tap: which requests are sent to the primary a second time (role
 * `secondary`), and the bounded target they go to. Every request of a templated route this tap
 * has seen fewer than `firstPerRoute` answered self-checks for (so the requests of a burst that
 * arrive while the route's first copies are still out are checked too — the pairs a worker would
 * otherwise judge before any evidence), then a steady `percent` sample (by trace-id hash, salted
 * so it is independent of the mirror sample); safe methods without a body only; at most
 * `maxInFlight` at once (past it the copy is skipped and counted, never queued). At most
 * `maxRoutes` routes are remembered; past that, only the steady sample applies.
 */
export class SelfCheckSender {
  private readonly seen = new Map<string, number>();
  /** Method + path -> templated route: templating costs ~2 µs, a hit ~0.1 µs. Cleared when full. */
  private readonly routes = new Map<string, string>();

  constructor(
    readonly target: ShadowTarget,
    private readonly options: Pick<SelfCheckConfig, 'firstPerRoute' | 'percent' | 'maxRoutes'> & {
      rules: CompiledRules;
      metrics: TapMetrics;
    },
  ) {}

  /**
   * Whether this (mirrored) request gets a second primary call: a ticket means a slot was taken,
   * which `send` or `release` gives back. Called before the pair's records exist, so they can say
   * which roles the trace has.
   */
  acquire(
    method: string,
    url: string,
    traceId: string,
    hasBody: boolean,
  ): SelfCheckTicket | undefined {
    const o = this.options;
    const route = this.routeOf(method, url);
    const count = this.seen.get(route);
    const first =
      count === undefined ? this.seen.size < o.maxRoutes && o.firstPerRoute > 0 : count > 0;
    if (!first && !isSampled(`${traceId}/selfcheck`, o.percent)) return undefined;
    if (hasBody || !SELF_CHECK_METHODS.has(method.toUpperCase())) {
      // Counted against the route's first K too: a write route is skipped K times, not forever.
      if (first) this.seen.set(route, (count ?? o.firstPerRoute) - 1);
      o.metrics.selfCheck('skipped_unsafe');
      return undefined;
    }
    const slot = this.target.tryAcquire();
    if (slot !== 'ok') {
      o.metrics.selfCheck(slot === 'in_flight_full' ? 'skipped_inflight' : 'skipped_unavailable');
      return undefined;
    }
    if (!first) return SAMPLED;
    if (count === undefined) this.seen.set(route, o.firstPerRoute);
    return { route };
  }

  private routeOf(method: string, url: string): string {
    const key = `${method} ${pathOf(url)}`;
    let route = this.routes.get(key);
    if (route === undefined) {
      if (this.routes.size >= ROUTE_CACHE) this.routes.clear();
      route = templateRoute(method, url, this.options.rules);
      this.routes.set(key, route);
    }
    return route;
  }

  /**
   * A first-K copy ended (answered or failed: a primary that times out on second calls must not
   * be asked again on every request): one fewer for its route.
   */
  private answered(ticket: SelfCheckTicket): void {
    if (ticket.route === undefined) return;
    const count = this.seen.get(ticket.route);
    if (count !== undefined && count > 0) this.seen.set(ticket.route, count - 1);
  }

  release(): void {
    this.target.release();
  }

  /**
   * Sends the second call (after the client's exchange completed: nothing here reaches it) and
   * hands the secondary half to `settle` once it answered or failed (a failure is a half too, so
   * the trace never waits for it). `template` is the primary's half: same trace and request.
   */
  send(
    ticket: SelfCheckTicket,
    method: string,
    url: string,
    headers: string[],
    template: Side,
    recorder: Recorder,
    settle: (side: Side) => void,
  ): void {
    const { metrics } = this.options;
    metrics.selfCheck('sent');
    const startedAt = performance.now();
    sendShadow(this.target, method, url, headers, undefined, (result) => {
      if (result.kind === 'error')
        metrics.selfCheck(result.error.kind === 'timeout' ? 'timeout' : 'error');
      this.answered(ticket);
      settle({
        role: 'secondary',
        traceId: template.traceId,
        traceSource: template.traceSource,
        capturedAt: template.capturedAt,
        durationMs: performance.now() - startedAt,
        request: template.request,
        ...(result.kind === 'response'
          ? { response: recorder.response(result.status, result.rawHeaders, result.body) }
          : { error: result.error }),
      });
    });
  }
}
