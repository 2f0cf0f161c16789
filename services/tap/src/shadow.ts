import { performance } from 'node:perf_hooks';
import type { UpstreamError } from '@shadowdiff/contracts';
import { BodyCapture } from './body-capture.js';
import type { TapMetrics } from './tap-metrics.js';
import { Deadlines } from './deadlines.js';
import { UpstreamTimeoutError, upstreamErrorKind } from './upstream-error.js';
import type { Upstream } from './upstream.js';

/** The shadow side of mirror mode: its upstream, limits, and the in-flight bound. */
export class ShadowTarget {
  private inFlight = 0;
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
    },
  ) {
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
   * Takes an in-flight slot, or reports the bound is reached: then the mirror is skipped, never
   * queued, so a slow shadow cannot hold memory or sockets on the primary's account.
   */
  tryAcquire(): boolean {
    if (this.inFlight >= this.options.maxInFlight) return false;
    this.inFlight += 1;
    return true;
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
