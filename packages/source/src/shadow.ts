import { performance } from 'node:perf_hooks';
import type { Role, UpstreamError, UpstreamErrorKind } from '@shadowdiff/contracts';
import { BodyCapture } from './body-capture.js';
import type { TapMetrics } from './tap-metrics.js';
import { Deadlines } from './deadlines.js';
import type { Deadline } from './deadlines.js';
import { UpstreamTimeoutError, upstreamErrorKind } from './upstream-error.js';
import { AbortableExchange, headerStrings } from './upstream.js';
import type { Upstream } from './upstream.js';

/** The shadow side of mirror mode: its upstream, limits, and the in-flight bound. */
export class ShadowTarget {
  private inFlight = 0;
  private refusedInARow = 0;
  private pausedUntil = 0;
  private cooldownMs: number;
  readonly deadlines: Deadlines;

  constructor(
    readonly upstream: Upstream,
    readonly options: {
      /** Whole-exchange timeout (connect to last byte). */
      timeoutMs: number;
      maxInFlight: number;
      /** Requests with a larger body are not mirrored. */
      maxBodyBytes: number;
      markerHeader: string;
      captureBodyBytes: number;
      metrics: TapMetrics;
      /** Refusals in a row that pause mirroring; 0 = never. */
      downAfterRefusals: number;
      downCooldownMs: number;
      /**
       * Role of the copies in metrics: `shadow` (default), or `secondary` for self-check copies
       * (counted in `shadow.tap.requests`, never in the shadow latency histogram).
       */
      role?: Extract<Role, 'shadow' | 'secondary'>;
    },
  ) {
    this.cooldownMs = options.downCooldownMs;
    this.deadlines = new Deadlines(
      options.timeoutMs,
      () => new UpstreamTimeoutError(options.timeoutMs),
    );
  }

  get maxBodyBytes(): number {
    return this.options.maxBodyBytes;
  }

  get markerHeader(): string {
    return this.options.markerHeader;
  }

  get role(): Extract<Role, 'shadow' | 'secondary'> {
    return this.options.role ?? 'shadow';
  }

  get active(): number {
    return this.inFlight;
  }

  /**
   * Takes an in-flight slot, or says why not: the bound is reached (a slow shadow cannot hold
   * memory or sockets on the primary's account), or the shadow refuses connections and is paused.
   * Either way the mirror is skipped and counted, never queued.
   */
  tryAcquire(): 'ok' | 'in_flight_full' | 'shadow_unavailable' {
    if (this.pausedUntil > 0 && Date.now() < this.pausedUntil) return 'shadow_unavailable';
    if (this.inFlight >= this.options.maxInFlight) return 'in_flight_full';
    this.inFlight += 1;
    return 'ok';
  }

  /**
   * Circuit breaker over connection refusals only (a down or restarting shadow): timeouts are the
   * in-flight bound's business, and HTTP errors are answers worth recording.
   */
  observe(outcome: 'ok' | UpstreamErrorKind): void {
    const { downAfterRefusals, downCooldownMs } = this.options;
    if (outcome !== 'refused') {
      this.refusedInARow = 0;
      this.cooldownMs = downCooldownMs;
      this.pausedUntil = 0;
      return;
    }
    this.refusedInARow += 1;
    if (downAfterRefusals === 0 || this.refusedInARow < downAfterRefusals) return;
    // Paused, or a probe after a pause failed again: pause (longer).
    this.pausedUntil = Date.now() + this.cooldownMs;
    this.cooldownMs = Math.min(this.cooldownMs * 2, downCooldownMs * 8);
  }

  release(): void {
    this.inFlight -= 1;
  }
}

export type ShadowResult =
  | { kind: 'response'; status: number; rawHeaders: string[]; body: BodyCapture }
  | { kind: 'error'; error: UpstreamError };

/**
 * Fire-and-forget: sends the mirrored request, reports once (answer or failure), releases the
 * slot. Nothing here can reach the client's response: errors end in `done`, never in a throw.
 */
export function sendShadow(
  target: ShadowTarget,
  method: string,
  url: string,
  headers: string[],
  body: Buffer | undefined,
  done: (result: ShadowResult) => void,
): void {
  target.options.metrics.request(target.role);
  const exchange = new ShadowExchange(target, done);
  target.upstream.exchange(method, url, headers, body ?? null, exchange);
}

/** One mirrored exchange: captures the answer, reports once, releases the slot. */
class ShadowExchange extends AbortableExchange {
  private readonly startedAt = performance.now();
  private readonly capture: BodyCapture;
  /** A whole-exchange deadline (never touched): expiry aborts, reported as a timeout. */
  private readonly deadline: Deadline;
  private status = 0;
  private rawHeaders: Buffer[] = [];

  constructor(
    private readonly target: ShadowTarget,
    private readonly done: (result: ShadowResult) => void,
  ) {
    super();
    this.capture = new BodyCapture(target.options.captureBodyBytes);
    this.deadline = target.deadlines.track(this);
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    this.status = status;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.capture.push(chunk);
    return true;
  }

  onComplete(): void {
    this.finish({
      kind: 'response',
      status: this.status,
      rawHeaders: headerStrings(this.rawHeaders),
      body: this.capture,
    });
  }

  onError(error: Error): void {
    this.finish({
      kind: 'error',
      error: { kind: upstreamErrorKind(error), message: error.message },
    });
  }

  private finish(result: ShadowResult): void {
    if (this.settled) return;
    this.settled = true;
    this.deadline.clear();
    const { target } = this;
    target.release();
    const outcome = result.kind === 'response' ? 'ok' : result.error.kind;
    target.observe(outcome);
    const { metrics } = target.options;
    if (target.role === 'shadow')
      metrics.shadowLatency(performance.now() - this.startedAt, outcome);
    if (result.kind === 'error') metrics.upstreamError(target.role, result.error.kind);
    this.done(result);
  }
}
