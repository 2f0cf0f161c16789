import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UpstreamError } from '@shadowdiff/contracts';
import {
  AbortableExchange,
  BodyCapture,
  TracedExchange,
  headerStrings,
  requestHeaders,
  responseHeaders,
  upstreamErrorKind,
} from '@shadowdiff/source';
import type {
  Deadline,
  Deadlines,
  PrimaryOutcome,
  SkipReason,
  Source,
  Upstream,
} from '@shadowdiff/source';
import { framingProblem, originForm, refuse, wasRefused, withoutHeader } from './client-guard.js';
import type { RejectReason } from './client-guard.js';

export interface ProxyContext {
  /** Policy, redaction, records and the copies (shadow, self-check), shared by every source. */
  source: Source;
  primary: Upstream;
  /** Idle timeout of primary exchanges (`tap.upstreamTimeoutMs`). */
  deadlines: Deadlines;
  /** Client requests whose response is not closed yet (drained on shutdown). */
  active: { requests: number };
  /**
   * `tap.mirror.markerHeader`, lower-case, when the fronted service is a primary (mirror mode,
   * sidecar roles primary and secondary): a client's own copy of it is never forwarded there, so
   * no client can make the primary dry-run its side effects. undefined for a shadow sidecar.
   */
  stripHeader: string | undefined;
  /** Counts a request refused before any upstream saw it (`shadow.tap.rejected`). */
  rejected: (reason: RejectReason) => void;
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
  const { source, primary } = ctx;
  const { metrics } = source;

  return (req, res) => {
    // Nothing more is served on a connection where a request's framing was refused.
    if (wasRefused(req)) {
      res.destroy();
      return;
    }
    const problem = framingProblem(req);
    if (problem !== undefined) {
      ctx.rejected(problem.reason);
      refuse(req, res, problem.why);
      return;
    }
    ctx.active.requests += 1;
    // The upstream's Date (or its absence) passes through; node must not add its own.
    res.sendDate = false;
    const method = req.method ?? 'GET';
    // An absolute-form target (`GET http://host/path`) goes on, is policed and is recorded in
    // origin form, its authority as the Host (RFC 9112 §3.2.2): an exclude glob cannot be stepped
    // round by spelling the target absolute, and no upstream parses a form a client chose.
    const target = originForm(req.url ?? '/');
    const url = target.path;
    let rawHeaders: readonly string[] = req.rawHeaders;
    let headers = req.headers;
    if (target.authority !== undefined) {
      rawHeaders = [...withoutHeader(rawHeaders, 'host'), 'Host', target.authority];
      headers = { ...headers, host: target.authority };
    }
    const traced = new TracedExchange(
      source,
      { method, url, rawHeaders, headers },
      { hostFallback: primary.host },
    );
    const { declared, recording } = traced;
    const http11 = req.httpVersionMajor === 1 && req.httpVersionMinor >= 1;

    const exchange = new PrimaryExchange(
      ctx,
      res,
      http11,
      recording ? new BodyCapture(source.tap.captureBodyBytes) : undefined,
      recording ? (side, skip) => traced.primaryDone(side, skip) : undefined,
    );

    metrics.request(source.role);
    res.once('close', () => {
      ctx.active.requests -= 1;
      // The client went away first: stop the upstream exchange, record nothing for it.
      if (!res.writableFinished) exchange.clientGone();
    });
    if (traced.requestBody !== undefined) captureBody(req, traced.requestBody);
    // The primary's request goes out before the mirrored copy: the copy's head write is a syscall
    // of its own, and nothing the shadow costs belongs in front of the client's answer.
    primary.exchange(
      method,
      url,
      requestHeaders(
        ctx.stripHeader === undefined ? rawHeaders : withoutHeader(rawHeaders, ctx.stripHeader),
        traced.extra,
      ),
      declared === 0 ? null : req,
      exchange,
    );

    if (traced.mirroring) {
      if (declared === 0) traced.startShadow();
      else {
        req.once('end', () => traced.startShadow());
        // A client that goes away mid-body never ends the request: free the slot.
        req.once('close', () => traced.abandonShadow());
      }
    }
  };
}

/** What the primary exchange hands back: the response side, or nothing (client gone first). */
type Finish = (side: PrimaryOutcome | undefined, skip?: SkipReason) => void;

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
            response: this.ctx.source.recorder.response(
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
    ctx.source.metrics.upstreamError(ctx.source.role, kind);
    if (this.rawHeaders !== undefined) {
      // The upstream died mid-body: the client must see a broken response, not a short one.
      res.destroy(error);
      this.settle(
        this.capture === undefined
          ? undefined
          : {
              response: ctx.source.recorder.response(this.status, this.rawHeaders, this.capture),
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

  private settle(side: PrimaryOutcome | undefined, skip?: SkipReason): void {
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

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}
