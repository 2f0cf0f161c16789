import type { IncomingHttpHeaders } from 'node:http';
import type { Headers } from '@shadowdiff/contracts';
import { BodyCapture, TracedExchange } from '@shadowdiff/source';
import type { Source } from '@shadowdiff/source';
import type { Exchange } from './tcp/http-flow.js';

/** What became of reassembled exchanges on their way to records. */
export interface RecordCounters {
  /** Exchanges handed to the source (its policy then decides what is recorded and mirrored). */
  recorded: number;
  /** The request lacked bytes: neither recorded nor replayed (a guess would be judged as drift). */
  requestIncomplete: number;
}

/** Headers back in node's rawHeaders layout; set-cookie values were joined with "\n". */
function rawHeadersOf(headers: Headers): string[] {
  const raw: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'set-cookie') for (const v of value.split('\n')) raw.push(name, v);
    else raw.push(name, value);
  }
  return raw;
}

function incomingHeaders(headers: Headers): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers };
  if (headers['set-cookie'] !== undefined) out['set-cookie'] = headers['set-cookie'].split('\n');
  return out;
}

function capture(body: Uint8Array, wholeSize: number, cap: number): BodyCapture {
  const c = new BodyCapture(cap);
  if (body.length > 0) c.push(Buffer.from(body.buffer, body.byteOffset, body.length));
  // The wire carried more than was kept (cap, or bytes never seen): the record says how much.
  c.size = Math.max(c.size, wholeSize);
  return c;
}

/**
 * Turns one exchange seen on the wire into the source's records, as a tap would have: the request
 * goes through the shared mirror policy (trace id read or a fresh `traceparent`, sampling, safe
 * methods, in-flight bound), the primary's answer as seen is published as `primary` (packet times
 * give `capturedAt` and `durationMs`), and a mirrored request is replayed to the shadow, whose
 * answer is the `shadow` record. A response missing bytes is recorded truncated with
 * `meta.incomplete` (bodies are then not compared); a request missing bytes is only counted.
 */
export function recordExchange(source: Source, exchange: Exchange, counters: RecordCounters): void {
  if (exchange.requestIncomplete !== undefined) {
    counters.requestIncomplete++;
    return;
  }
  counters.recorded++;
  const { request, response } = exchange;
  const traced = new TracedExchange(
    source,
    {
      method: request.method,
      url: request.url,
      rawHeaders: rawHeadersOf(request.headers),
      headers: incomingHeaders(request.headers),
    },
    { capturedAt: exchange.startedAtMs },
  );
  if (!traced.recording) return;
  const cap = source.tap.captureBodyBytes;
  if (traced.requestBody !== undefined && request.bodySize > 0) {
    const body = request.body;
    traced.requestBody.push(Buffer.from(body.buffer, body.byteOffset, body.length));
    traced.requestBody.size = Math.max(traced.requestBody.size, request.bodySize);
  }
  const captured = source.recorder.response(
    response.status,
    rawHeadersOf(response.headers),
    capture(response.body, response.bodySize, cap),
  );
  if (exchange.incomplete !== undefined) captured.value.bodyTruncated = true;
  traced.primaryDone({
    response: captured,
    durationMs: Math.max(0, exchange.endedAtMs - exchange.startedAtMs),
    ...(exchange.incomplete !== undefined ? { meta: { incomplete: exchange.incomplete } } : {}),
  });
  if (traced.mirroring) traced.startShadow();
}
