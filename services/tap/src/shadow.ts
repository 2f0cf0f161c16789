import { performance } from 'node:perf_hooks';
import type { UpstreamError, UpstreamErrorKind } from '@shadowdiff/contracts';
import { BodyCapture } from './body-capture.js';
import type { TapMetrics } from './tap-metrics.js';
import { Deadlines } from './deadlines.js';
import { UpstreamTimeoutError, upstreamErrorKind } from './upstream-error.js';
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
  const { captureBodyBytes, metrics } = target.options;
  const startedAt = performance.now();
  let settled = false;
  const upReq = target.upstream.request(method, url, headers);
  metrics.request('shadow');

  const finish = (result: ShadowResult): void => {
    if (settled) return;
    settled = true;
    deadline.clear();
    target.release();
    const outcome = result.kind === 'response' ? 'ok' : result.error.kind;
    target.observe(outcome);
    metrics.shadowLatency(performance.now() - startedAt, outcome);
    if (result.kind === 'error') metrics.upstreamError('shadow', result.error.kind);
    done(result);
  };
  const fail = (error: Error): void => {
    finish({ kind: 'error', error: { kind: upstreamErrorKind(error), message: error.message } });
    upReq.destroy();
  };

  // A whole-exchange deadline (never touched): destroying the request reports a timeout below.
  const deadline = target.deadlines.track(upReq);
  upReq.on('response', (upRes) => {
    const capture = new BodyCapture(captureBodyBytes);
    upRes.on('data', (chunk: Buffer) => capture.push(chunk));
    upRes.once('end', () =>
      finish({
        kind: 'response',
        status: upRes.statusCode ?? 0,
        rawHeaders: upRes.rawHeaders,
        body: capture,
      }),
    );
    upRes.once('error', fail);
  });
  upReq.on('error', fail);
  upReq.end(body);
}
