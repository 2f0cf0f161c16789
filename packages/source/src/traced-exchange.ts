import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CapturedRequest, CapturedResponse, UpstreamError } from '@shadowdiff/contracts';
import { BodyCapture } from './body-capture.js';
import { requestHeaders } from './headers.js';
import type { SkipReason } from './mirror-policy.js';
import { Pair } from './pair.js';
import type { Captured, Side } from './recorder.js';
import type { SelfCheckTicket } from './self-check.js';
import { sendShadow } from './shadow.js';
import type { Source } from './source.js';
import { extractTraceId, newTraceparent } from './trace-id.js';
import type { TraceSource } from './trace-id.js';

/** The request as a source sees it arrive. */
export interface ExchangeRequest {
  method: string;
  /** Request target as received (path and query). */
  url: string;
  /** node's rawHeaders layout: name, value, ... */
  rawHeaders: readonly string[];
  headers: IncomingHttpHeaders;
}

/** The observed service's side of an exchange: its answer, a failure, or both (cut mid-body). */
export interface PrimaryOutcome {
  response?: Captured<CapturedResponse>;
  error?: UpstreamError;
  /** How long the service took, when the source measured it itself (a passive capture's packet times). */
  durationMs?: number;
  /** Facts about this exchange for the record's meta (why a passive capture is incomplete). */
  meta?: Record<string, string>;
}

/**
 * One request seen by a source, from arrival to its records: the trace id (a fresh `traceparent`
 * in mirror mode when none is valid), what the mirror policy and the in-flight bounds decided, the
 * request body capture (one serves the record and the shadow's copy), and the halves of its trace.
 * A proxy and an in-process capture differ only in how they see the service's answer; what they
 * record and mirror is decided here, once.
 */
export class TracedExchange {
  readonly startedAt = performance.now();
  readonly capturedAt: number;
  readonly traceId: string;
  readonly traceSource: TraceSource;
  /** Header pairs every upstream request gets: the fresh traceparent, a Host fallback. */
  readonly extra: string[] | undefined;
  /** Declared body length: 0 for none, undefined when unknown (chunked). */
  readonly declared: number | undefined;
  /** The service's side is recorded. */
  readonly recording: boolean;
  /** A copy goes to the shadow (mirror mode, policy and bound allowing). */
  readonly mirroring: boolean;
  /** Where the request body is kept while it streams, when recorded. */
  readonly requestBody: BodyCapture | undefined;
  private readonly second: SelfCheckTicket | undefined;
  private readonly pair: Pair | undefined;
  private marked: string[] | undefined;
  private captured: Captured<CapturedRequest> | undefined;
  private shadowStarted = false;

  constructor(
    private readonly source: Source,
    private readonly req: ExchangeRequest,
    options: {
      hostFallback?: string | undefined;
      /** When the request was received, if before now (a passive capture's packet time). */
      capturedAt?: number | undefined;
    } = {},
  ) {
    this.capturedAt = options.capturedAt ?? Date.now();
    const { mode, shadow, selfCheck, metrics, tap } = source;
    let extra: string[] | undefined;
    const found = extractTraceId(req.headers, tap.traceHeaders);
    if (found !== undefined) {
      this.traceId = found.traceId;
      this.traceSource = found.source;
    } else {
      const fresh = newTraceparent();
      this.traceId = fresh.traceId;
      this.traceSource = 'generated';
      // Mirror mode owns the request's identity: both upstreams get the same new traceparent.
      if (mode === 'mirror') extra = ['traceparent', fresh.traceparent];
    }
    if (options.hostFallback !== undefined && req.headers.host === undefined) {
      (extra ??= []).push('Host', options.hostFallback);
    }
    this.extra = extra;

    const declared = declaredBodyLength(req.headers);
    this.declared = declared;
    const { method, url } = req;
    let recording = false;
    const decision = source.decide({ method, url, traceId: this.traceId, bodyBytes: declared });
    if (!decision.mirror) {
      metrics.skipped(decision.reason);
    } else if (shadow === undefined) {
      recording = true;
    } else {
      const slot = shadow.tryAcquire();
      if (slot === 'ok') recording = true;
      else metrics.skipped(slot);
    }
    this.recording = recording;
    const mirroring = recording && shadow !== undefined;
    this.mirroring = mirroring;
    // Decided before any half exists, so the pair's records say which roles the trace has.
    this.second =
      mirroring && selfCheck !== undefined
        ? selfCheck.acquire(method, url, this.traceId, declared !== 0)
        : undefined;
    this.pair = mirroring ? new Pair(source.recorder, this.second !== undefined) : undefined;
    const capture = tap.captureBodyBytes;
    this.requestBody =
      recording && declared !== 0
        ? new BodyCapture(mirroring ? Math.max(capture, tap.mirror.maxBodyBytes) : capture)
        : undefined;
  }

  /** The request as recorded (redacted), built once for every half of the trace. */
  capturedRequest(): Captured<CapturedRequest> {
    const { method, url, rawHeaders } = this.req;
    return (this.captured ??= this.source.recorder.request(
      method,
      url,
      rawHeaders,
      this.requestBody,
    ));
  }

  /**
   * The service's side ended (recording only): `outcome` undefined when the client went away
   * first (nothing recorded, counted as `skip`). Publishes it, or settles it into the pair; a
   * self-check copy goes out from here, after the client's exchange is over.
   */
  primaryDone(outcome: PrimaryOutcome | undefined, skip?: SkipReason): void {
    const { pair } = this;
    if (outcome === undefined) {
      this.source.metrics.skipped(skip ?? 'client_aborted');
      pair?.settle('primary', null);
      this.secondCall(undefined);
      return;
    }
    const { durationMs, ...rest } = outcome;
    const record: Side = {
      role: this.source.role,
      traceId: this.traceId,
      traceSource: this.traceSource,
      capturedAt: this.capturedAt,
      durationMs: durationMs ?? performance.now() - this.startedAt,
      request: this.capturedRequest(),
      ...rest,
    };
    if (pair) {
      pair.settle('primary', record);
      this.secondCall(record);
    } else this.source.recorder.publish(record);
  }

  /**
   * Sends the shadow's copy (mirroring only; once, when the request body is complete). A body that
   * outgrew `tap.mirror.maxBodyBytes` is not mirrored and counted. The shadow half's duration runs
   * from the request's arrival (a proxy sends the copy then), or with `timedFromSend` from now (an
   * in-process capture sends it after the service answered).
   */
  startShadow(timedFromSend = false): void {
    const { shadow, metrics, recorder } = this.source;
    const pair = this.pair;
    if (this.shadowStarted || shadow === undefined || pair === undefined) return;
    this.shadowStarted = true;
    const reqBody = this.requestBody;
    if (reqBody !== undefined && reqBody.size > shadow.maxBodyBytes) {
      shadow.release();
      metrics.skipped('body_too_large');
      pair.settle('shadow', null);
      return;
    }
    const body = reqBody !== undefined && reqBody.size > 0 ? reqBody.bytes() : undefined;
    const { method, url } = this.req;
    const from = timedFromSend ? performance.now() : this.startedAt;
    sendShadow(shadow, method, url, this.markedHeaders(), body, (result) => {
      pair.settle('shadow', {
        role: 'shadow',
        traceId: this.traceId,
        traceSource: this.traceSource,
        capturedAt: this.capturedAt,
        durationMs: performance.now() - from,
        request: this.capturedRequest(),
        ...(result.kind === 'response'
          ? { response: recorder.response(result.status, result.rawHeaders, result.body) }
          : { error: result.error }),
      });
    });
  }

  /** The request body never completed (client gone mid-body): the shadow's slot is freed. */
  abandonShadow(): void {
    if (this.shadowStarted || this.pair === undefined) return;
    this.shadowStarted = true;
    this.source.shadow?.release();
    this.pair.settle('shadow', null);
  }

  /** The copies' headers: the client's end-to-end ones, `extra`, and the shadow marker. */
  private markedHeaders(): string[] {
    return (this.marked ??= requestHeaders(this.req.rawHeaders, [
      ...(this.extra ?? []),
      this.source.tap.mirror.markerHeader,
      '1',
    ]));
  }

  // The second primary call goes out once the client's exchange is over: it cannot delay it.
  private secondCall(record: Side | undefined): void {
    const { second, pair } = this;
    const selfCheck = this.source.selfCheck;
    if (second === undefined || pair === undefined || selfCheck === undefined) return;
    if (record === undefined || record.response === undefined || record.error !== undefined) {
      selfCheck.release();
      pair.settle('secondary', null);
      return;
    }
    const { method, url } = this.req;
    selfCheck.send(second, method, url, this.markedHeaders(), record, this.source.recorder, (s) =>
      pair.settle('secondary', s),
    );
  }
}

/** content-length as a number; 0 for no body; undefined when chunked (unknown until the end). */
export function declaredBodyLength(headers: IncomingHttpHeaders): number | undefined {
  const length = headers['content-length'];
  if (length !== undefined) {
    const n = Number(length);
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  }
  return headers['transfer-encoding'] === undefined ? 0 : undefined;
}
