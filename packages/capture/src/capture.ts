import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { metrics as otelMetrics } from '@opentelemetry/api';
import type { Meter } from '@opentelemetry/api';
import { CONFIG_HASH_STAMP_CHARS, configHash, readPackageVersion } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import type { RecordPublisher } from '@shadowdiff/engine';
import { BodyCapture, TracedExchange, createSource } from '@shadowdiff/source';
import type { BufferStats, Source } from '@shadowdiff/source';
import {
  NO_BODY,
  answerHasBody,
  sentHeaders,
  watchRequestBody,
  watchResponse,
} from './response-watch.js';

export interface CaptureOptions {
  /**
   * The validated shared config (`validateConfig`): `service`, `kafka.topics.taps` and the `tap.*`
   * keys the tap reads — mirror policy, redaction, buffer, self-check, `captureBodyBytes`.
   */
  config: ShadowdiffConfig;
  /**
   * Where records go: `createThreadedKafkaPublisher` of `@shadowdiff/kafka` (its own thread) in a
   * fleet, an in-memory bus when embedded. Closing it is the caller's job.
   */
  publisher: RecordPublisher;
  /** OTel meter for `shadow.tap.*`. Default the global meter provider's (a no-op without an SDK). */
  meter?: Meter;
  /**
   * The shadow's URL: mirror from inside (role `primary`, `meta.mode = mirror`). Default
   * `tap.shadow`; without either nothing is mirrored and the service is recorded as `tap.role`.
   */
  shadow?: string;
  /**
   * Where self-check copies go (`tap.selfCheck`): the service's own address, or a second instance.
   * Default `tap.secondary`; without either there is no self-check.
   */
  secondary?: string;
  /** Per-deployment redaction key. Default the env var `tap.redact.keyEnv` names, else random. */
  redactKey?: Uint8Array;
  /** Delivery trouble, rate-limited. Default stderr. */
  log?: (line: string) => void;
}

export interface CaptureStats {
  buffer: BufferStats;
  shadowInFlight: number;
  /** Capture's own failures swallowed so the service never saw them. */
  internalErrors: number;
}

/** One capture: wrap handlers or hook servers with it; `close` flushes what it holds. */
export interface Capture {
  /** `http.createServer(capture.handler(app))`: the handler runs exactly as before. */
  handler<H extends (req: IncomingMessage, res: ServerResponse) => unknown>(
    handler: H,
  ): (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Hooks an existing server (Fastify's `app.server`, Nest's `getHttpServer()`): a `request`
   * listener put before the service's own, which only starts watching the exchange.
   */
  attach(server: Server): void;
  /** Watches one exchange; call before the service sees the request. Never throws. */
  observe(req: IncomingMessage, res: ServerResponse): void;
  stats(): CaptureStats;
  /** Stops recording, flushes the buffer for up to `graceMs` (default `tap.shutdownGraceMs`). */
  close(graceMs?: number): Promise<void>;
}

function captureVersion(): string {
  return `capture-${readPackageVersion(new URL('../package.json', import.meta.url))}`;
}

export function createCapture(options: CaptureOptions): Capture {
  const { config } = options;
  const tap = config.tap;
  const shadowUrl = options.shadow ?? tap.shadow;
  const mirror = shadowUrl !== undefined;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const source: Source = createSource({
    config,
    publisher: options.publisher,
    meter: options.meter ?? otelMetrics.getMeter('@shadowdiff/capture'),
    mode: mirror ? 'mirror' : 'sidecar',
    role: mirror ? 'primary' : tap.role,
    shadowUrl,
    secondaryUrl: mirror ? (options.secondary ?? tap.secondary) : undefined,
    facts: {
      tapVersion: captureVersion(),
      configHash: configHash(config).slice(0, CONFIG_HASH_STAMP_CHARS),
    },
    census: mirror || tap.role === 'primary',
    redactKey: options.redactKey,
    // Records of a capture that does not mirror pair with another source's: the key must agree.
    warnRandomKey: !mirror,
    log,
  });
  source.start();
  const { metrics, recorder } = source;
  const marker = tap.mirror.markerHeader.toLowerCase();
  const cap = tap.captureBodyBytes;
  let internalErrors = 0;
  let closed = false;
  const failed = (): void => {
    internalErrors += 1;
  };

  const finish = (
    traced: TracedExchange,
    req: IncomingMessage,
    res: ServerResponse,
    body: BodyCapture,
    requestComplete: boolean,
  ): void => {
    const raw = res.writableFinished ? sentHeaders(res) : undefined;
    if (raw === undefined) {
      // The client went away (or the service destroyed the response): no record, as the tap.
      traced.primaryDone(undefined, 'client_aborted');
      traced.abandonShadow();
      return;
    }
    const status = res.statusCode;
    const sent = answerHasBody(req.method ?? 'GET', status) ? body : NO_BODY;
    traced.primaryDone({ response: recorder.response(status, raw, sent) });
    if (!traced.mirroring) return;
    // A body the service answered without reading was never all here: nothing to copy.
    if (requestComplete) traced.startShadow(true);
    else traced.abandonShadow();
  };

  const observe = (req: IncomingMessage, res: ServerResponse): void => {
    if (closed) return;
    try {
      // A copy (ours or another mirror's) is the shadow's or a self-check's business, not a
      // primary request: recording or mirroring it again would loop.
      if (mirror && req.headers[marker] !== undefined) return;
      const traced = new TracedExchange(source, {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        rawHeaders: req.rawHeaders,
        headers: req.headers,
      });
      metrics.request(source.role);
      if (!traced.recording) return;
      const body = new BodyCapture(cap);
      watchResponse(res, body, failed);
      let requestComplete = traced.declared === 0;
      if (traced.requestBody !== undefined) {
        watchRequestBody(req, traced.requestBody, () => (requestComplete = true), failed);
      }
      res.once('close', () => {
        try {
          finish(traced, req, res, body, requestComplete);
        } catch {
          failed();
        }
      });
    } catch {
      failed();
    }
  };

  let closing: Promise<void> | undefined;
  return {
    handler(handler) {
      return (req, res) => {
        observe(req, res);
        handler(req, res);
      };
    },
    attach(server) {
      server.prependListener('request', observe);
    },
    observe,
    stats: () => ({
      buffer: source.buffer.stats(),
      shadowInFlight: source.shadow?.active ?? 0,
      internalErrors,
    }),
    close(graceMs = tap.shutdownGraceMs) {
      closed = true;
      return (closing ??= (async () => {
        const deadline = Date.now() + graceMs;
        while (source.copiesInFlight() > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await source.close(deadline);
      })());
    },
  };
}

/**
 * The one-line form: `http.createServer(capture(handler, options))`. The returned handler also
 * carries the capture (`.capture`) to close it on shutdown.
 */
export function capture<H extends (req: IncomingMessage, res: ServerResponse) => unknown>(
  handler: H,
  options: CaptureOptions,
): ((req: IncomingMessage, res: ServerResponse) => void) & { capture: Capture } {
  const c = createCapture(options);
  return Object.assign(c.handler(handler), { capture: c });
}
