import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Role, TapConfig, UpstreamError } from '@shadowdiff/contracts';
import { BodyCapture } from './body-capture.js';
import type { Deadline, Deadlines } from './deadlines.js';
import { requestHeaders, responseHeaders } from './headers.js';
import type { MirrorDecision, RequestFacts, SkipReason } from './mirror-policy.js';
import type { Captured, Recorder, Side } from './recorder.js';
import type { CapturedRequest } from '@shadowdiff/contracts';
import { Pair } from './pair.js';
import type { SelfCheckSender } from './self-check.js';
import { sendShadow } from './shadow.js';
import type { ShadowTarget } from './shadow.js';
import type { TapMetrics } from './tap-metrics.js';
import { extractTraceId, newTraceparent } from './trace-id.js';
import type { TraceSource } from './trace-id.js';
import { upstreamErrorKind } from './upstream-error.js';
import { AbortableExchange, headerStrings } from './upstream.js';
import type { Upstream } from './upstream.js';

export interface ProxyContext {
  mode: 'sidecar' | 'mirror';
  /** The role the fronted service is recorded as (`primary` in mirror mode). */
  role: Role;
  primary: Upstream;
  /** Mirror mode only. */
  shadow: ShadowTarget | undefined;
  /** Mirror mode with `tap.selfCheck.enabled`: second primary calls (role `secondary`). */
  selfCheck?: SelfCheckSender | undefined;
  traceOrder: TapConfig['traceHeaders'];
  decide: (facts: RequestFacts) => MirrorDecision;
  captureBodyBytes: number;
  /** Idle timeout of primary exchanges (`tap.upstreamTimeoutMs`). */
  deadlines: Deadlines;
  recorder: Recorder;
  metrics: TapMetrics;
  /** Client requests whose response is not closed yet (drained on shutdown). */
  active: { requests: number };
}

/**
 * The request handler of both modes. The client's exchange with the primary is a plain streaming
 * proxy (`PrimaryExchange`): status, headers (minus hop-by-hop), bytes and trailers pass as they
 * come, with back-pressure end to end; capture only keeps references to the chunks on the way.
 * Everything the tap adds — the shadow request, record building, redaction, encoding — happens
 * beside that stream or after the primary's last byte was handed to the client socket.
 */
export function createRequestHandler(
  ctx: ProxyContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { mode, role, primary, shadow, metrics, recorder } = ctx;

  return (req, res) => {
    const startedAt = performance.now();
    const capturedAt = Date.now();
    ctx.active.requests += 1;
    // The upstream's Date (or its absence) passes through; node must not add its own.
    res.sendDate = false;
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';

    let traceId: string;
    let traceSource: TraceSource;
    let extra: string[] | undefined;
    const found = extractTraceId(req.headers, ctx.traceOrder);
    if (found !== undefined) {
      traceId = found.traceId;
      traceSource = found.source;
    } else {
      const fresh = newTraceparent();
      traceId = fresh.traceId;
      traceSource = 'generated';
      // Mirror mode owns the request's identity: both upstreams get the same new traceparent.
      if (mode === 'mirror') extra = ['traceparent', fresh.traceparent];
    }
    if (req.headers.host === undefined) (extra ??= []).push('Host', primary.host);

    const declared = declaredBodyLength(req);
    const http11 = req.httpVersionMajor === 1 && req.httpVersionMinor >= 1;
    let recording = false;
    const decision = ctx.decide({ method, url, traceId, bodyBytes: declared });
    if (!decision.mirror) {
      metrics.skipped(decision.reason);
    } else if (shadow === undefined) {
      recording = true;
    } else {
      const slot = shadow.tryAcquire();
      if (slot === 'ok') recording = true;
      else metrics.skipped(slot);
    }
    const mirroring = recording && shadow !== undefined;
    // Decided before any half exists, so the pair's records say which roles the trace has.
    const second =
      mirroring && ctx.selfCheck !== undefined
        ? ctx.selfCheck.acquire(method, url, traceId, declared !== 0)
        : undefined;
    const pair = mirroring ? new Pair(recorder, second !== undefined) : undefined;
    let marked: string[] | undefined;
    const markedHeaders = (): string[] =>
      (marked ??= requestHeaders(req.rawHeaders, [
        ...(extra ?? []),
        (shadow as ShadowTarget).markerHeader,
        '1',
      ]));
    // The second primary call goes out once the client's exchange is over: it cannot delay it.
    const secondCall = (record: Side | undefined): void => {
      if (second === undefined || pair === undefined) return;
      const selfCheck = ctx.selfCheck as SelfCheckSender;
      if (record === undefined || record.response === undefined || record.error !== undefined) {
        selfCheck.release();
        pair.settle('secondary', null);
        return;
      }
      selfCheck.send(second, method, url, markedHeaders(), record, recorder, (side) =>
        pair.settle('secondary', side),
      );
    };

    // Request body: one capture serves the record and, in mirror mode, the shadow's copy.
    const mirrorCap = shadow?.maxBodyBytes ?? 0;
    const reqBody =
      recording && declared !== 0
        ? new BodyCapture(
            mirroring ? Math.max(ctx.captureBodyBytes, mirrorCap) : ctx.captureBodyBytes,
          )
        : undefined;

    let captured: Captured<CapturedRequest> | undefined;
    const capturedRequest = (): Captured<CapturedRequest> =>
      (captured ??= recorder.request(method, url, req.rawHeaders, reqBody));

    const exchange = new PrimaryExchange(
      ctx,
      res,
      http11,
      recording ? new BodyCapture(ctx.captureBodyBytes) : undefined,
      recording
        ? (side, skip) => {
            if (side === undefined) {
              metrics.skipped(skip ?? 'client_aborted');
              pair?.settle('primary', null);
              secondCall(undefined);
              return;
            }
            const record: Side = {
              role,
              traceId,
              traceSource,
              capturedAt,
              durationMs: performance.now() - startedAt,
              request: capturedRequest(),
              ...side,
            };
            if (pair) {
              pair.settle('primary', record);
              secondCall(record);
            } else recorder.publish(record);
          }
        : undefined,
    );

    metrics.request(role);
    res.once('close', () => {
      ctx.active.requests -= 1;
      // The client went away first: stop the upstream exchange, record nothing for it.
      if (!res.writableFinished) exchange.clientGone();
    });
    if (reqBody !== undefined) captureBody(req, reqBody);
    // The primary's request goes out before the mirrored copy: the copy's head write is a syscall
    // of its own, and nothing the shadow costs belongs in front of the client's answer.
    primary.exchange(
      method,
      url,
      requestHeaders(req.rawHeaders, extra),
      declared === 0 ? null : req,
      exchange,
    );

    if (mirroring && shadow !== undefined && pair !== undefined) {
      const shadowHeaders = markedHeaders();
      let started = false;
      const start = (): void => {
        if (started) return;
        started = true;
        if (reqBody !== undefined && reqBody.size > mirrorCap) {
          shadow.release();
          metrics.skipped('body_too_large');
          pair.settle('shadow', null);
          return;
        }
        const body = reqBody !== undefined && reqBody.size > 0 ? reqBody.bytes() : undefined;
        sendShadow(shadow, method, url, shadowHeaders, body, (result) => {
          pair.settle('shadow', {
            role: 'shadow',
            traceId,
            traceSource,
            capturedAt,
            durationMs: performance.now() - startedAt,
            request: capturedRequest(),
            ...(result.kind === 'response'
              ? { response: recorder.response(result.status, result.rawHeaders, result.body) }
              : { error: result.error }),
          });
        });
      };
      if (declared === 0) start();
      else {
        req.once('end', start);
        // A client that goes away mid-body never ends the request: free the slot.
        req.once('close', () => {
          if (started) return;
          started = true;
          shadow.release();
          pair.settle('shadow', null);
        });
      }
    }
  };
}

/** What the primary exchange hands back: the response side, or nothing (client gone first). */
type Finish = (side: Pick<Side, 'response' | 'error'> | undefined, skip?: SkipReason) => void;

/**
 * The client's exchange with the primary: a plain streaming proxy. Status, headers (minus
 * hop-by-hop), bytes and trailers pass as they come, with back-pressure end to end (a slow client
 * pauses the upstream instead of growing memory); the capture only keeps references to the chunks.
 * One object per request holds what closures would otherwise each capture.
 */
class PrimaryExchange extends AbortableExchange {
  private readonly deadline: Deadline;
  private status = 0;
  private rawHeaders: string[] | undefined;

  constructor(
    private readonly ctx: ProxyContext,
    private readonly res: ServerResponse,
    private readonly http11: boolean,
    private readonly capture: BodyCapture | undefined,
    private readonly finish: Finish | undefined,
  ) {
    super();
    this.deadline = ctx.deadlines.track(this);
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void, statusText: string): boolean {
    this.deadline.touch();
    const rawHeaders = headerStrings(raw);
    try {
      this.res.writeHead(status, statusText, responseHeaders(rawHeaders, this.http11));
    } catch (error) {
      // A head node will not send (an invalid status line, say): a 502 and an `other` failure,
      // rather than a half-written response.
      this.abort?.(error as Error);
      this.onError(error as Error);
      return false;
    }
    this.status = status;
    this.rawHeaders = rawHeaders;
    this.res.on('drain', resume);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.deadline.touch();
    this.capture?.push(chunk);
    return this.res.write(chunk);
  }

  onComplete(trailers: Buffer[] | null): void {
    this.deadline.clear();
    if (trailers !== null && trailers.length > 0)
      this.res.addTrailers(pairs(headerStrings(trailers)));
    this.res.end();
    this.settle(
      this.capture === undefined
        ? undefined
        : {
            response: this.ctx.recorder.response(
              this.status,
              this.rawHeaders as string[],
              this.capture,
            ),
          },
    );
  }

  onError(error: Error): void {
    this.deadline.clear();
    if (this.settled) return;
    const { res, ctx } = this;
    const kind = upstreamErrorKind(error);
    ctx.metrics.upstreamError(ctx.role, kind);
    if (this.rawHeaders !== undefined) {
      // The upstream died mid-body: the client must see a broken response, not a short one.
      res.destroy(error);
      this.settle(
        this.capture === undefined
          ? undefined
          : {
              response: ctx.recorder.response(this.status, this.rawHeaders, this.capture),
              error: { kind, message: error.message },
            },
      );
      return;
    }
    if (!res.headersSent) {
      const body = `shadowdiff tap: upstream ${kind}: ${error.message}\n`;
      res.writeHead(kind === 'timeout' ? 504 : 502, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    } else {
      res.destroy(error);
    }
    const failure: UpstreamError = { kind, message: error.message };
    this.settle({ error: failure });
  }

  /** The client's connection closed before its response was complete. */
  clientGone(): void {
    if (this.settled) return;
    this.deadline.clear();
    // Settled first: the abort's error report (possibly synchronous) then finds nothing to do.
    this.settle(undefined, 'client_aborted');
    this.abort?.();
  }

  private settle(side: Pick<Side, 'response' | 'error'> | undefined, skip?: SkipReason): void {
    if (this.settled) return;
    this.settled = true;
    this.finish?.(side, skip);
  }
}

/**
 * Keeps each chunk of the client's request body as it is read, whoever reads it (undici streaming
 * it upstream, or node draining it after an early answer): a readable emits `data` for every chunk
 * it hands out, so the capture holds the whole body by the time `end` fires, and the mirrored copy
 * (sent on `end`) carries all of it. Paused first, so that adding the listener does not start the
 * flow before undici is there to take it.
 */
function captureBody(req: IncomingMessage, capture: BodyCapture): void {
  req.pause();
  req.on('data', (chunk: Buffer) => capture.push(chunk));
}

/** content-length as a number; 0 for no body; undefined when chunked (unknown until the end). */
function declaredBodyLength(req: IncomingMessage): number | undefined {
  const length = req.headers['content-length'];
  if (length !== undefined) {
    const n = Number(length);
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  }
  return req.headers['transfer-encoding'] === undefined ? 0 : undefined;
}

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}
