import { performance } from 'node:perf_hooks';
import type { SelfCheckConfig } from '@shadowdiff/contracts';
import { templateRoute } from '@shadowdiff/engine';
import type { CompiledRules } from '@shadowdiff/engine';
import type { Recorder, Side } from './recorder.js';
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

/**
 * Self-check of a mirror tap: which requests are sent to the primary a second time (role
 * `secondary`), and the bounded target they go to. The first `firstPerRoute` requests of each
 * templated route this tap has not seen yet, then a steady `percent` sample (by trace-id hash,
 * salted so it is independent of the mirror sample); safe methods without a body only; at most
 * `maxInFlight` at once (past it the copy is skipped and counted, never queued). At most
 * `maxRoutes` routes are remembered; past that, only the steady sample applies.
 */
export class SelfCheckSender {
  private readonly seen = new Map<string, number>();

  constructor(
    readonly target: ShadowTarget,
    private readonly options: Pick<SelfCheckConfig, 'firstPerRoute' | 'percent' | 'maxRoutes'> & {
      rules: CompiledRules;
      metrics: TapMetrics;
    },
  ) {}

  /**
   * Whether this (mirrored) request gets a second primary call; true means a slot was taken,
   * which `send` or `release` gives back. Called before the pair's records exist, so they can say
   * which roles the trace has.
   */
  acquire(method: string, url: string, traceId: string, hasBody: boolean): boolean {
    const o = this.options;
    const route = templateRoute(method, url, o.rules);
    const count = this.seen.get(route);
    const first =
      count === undefined ? this.seen.size < o.maxRoutes && o.firstPerRoute > 0 : count > 0;
    if (!first && !isSampled(`${traceId}/selfcheck`, o.percent)) return false;
    if (hasBody || !SELF_CHECK_METHODS.has(method.toUpperCase())) {
      // Counted against the route's first K too: a write route is skipped K times, not forever.
      if (first) this.seen.set(route, (count ?? o.firstPerRoute) - 1);
      o.metrics.selfCheck('skipped_unsafe');
      return false;
    }
    const slot = this.target.tryAcquire();
    if (slot !== 'ok') {
      o.metrics.selfCheck(slot === 'in_flight_full' ? 'skipped_inflight' : 'skipped_unavailable');
      return false;
    }
    // A first-K slot is used up only once the copy is really sent.
    if (first) this.seen.set(route, (count ?? o.firstPerRoute) - 1);
    return true;
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
