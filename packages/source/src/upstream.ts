import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientRequest, RequestOptions } from 'node:http';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';

/**
 * What an exchange with an upstream reports, in undici's raw (unparsed) handler form: header names
 * and values as the wire had them, no header object built, back-pressure by return value.
 */
export interface ExchangeHandler {
  /** The exchange was handed a connection; `abort` ends it with `reason` (reported to onError). */
  onConnect(abort: (reason?: Error) => void): void;
  /** Status line and headers (name, value, name, value, ...). false pauses until `resume`. */
  onHeaders(
    statusCode: number,
    rawHeaders: Buffer[],
    resume: () => void,
    statusText: string,
  ): boolean;
  /** A body chunk (not reused by undici). false pauses until `resume`. */
  onData(chunk: Buffer): boolean;
  /** The last byte arrived; trailers as raw pairs (usually none). */
  onComplete(trailers: Buffer[] | null): void;
  /** No (complete) response: refused, reset, aborted, or the body stream failed. */
  onError(error: Error): void;
}

/**
 * What every exchange does with undici's abort hook: keep it, use it when the tap's deadline
 * expires (`destroy`, the Deadlines target), and abort at once an exchange that was already settled
 * (ended by a deadline or the client) before undici handed it a connection.
 */
export abstract class AbortableExchange implements ExchangeHandler {
  protected abort: ((reason?: Error) => void) | undefined;
  protected settled = false;

  /** The deadline expired: end the exchange; onError reports it as a timeout. */
  destroy(error: Error): void {
    if (this.abort) this.abort(error);
    else this.onError(error);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.settled) abort();
    else this.abort = abort;
  }

  abstract onHeaders(
    statusCode: number,
    rawHeaders: Buffer[],
    resume: () => void,
    statusText: string,
  ): boolean;
  abstract onData(chunk: Buffer): boolean;
  abstract onComplete(trailers: Buffer[] | null): void;
  abstract onError(error: Error): void;
}

/** One service the tap talks to, with its own keep-alive pool. */
export interface Upstream {
  /** As configured, for logs and errors. */
  url: string;
  /** `host:port`, sent as Host when the client sent none (HTTP/1.0). */
  host: string;
  /**
   * One exchange on the keep-alive pool. `headers` are raw pairs without hop-by-hop names; the
   * client's Host travels unchanged (an Istio mirror's `-shadow` host included).
   */
  exchange(
    method: string,
    path: string,
    headers: string[],
    body: Buffer | AsyncIterable<Buffer> | null,
    handler: ExchangeHandler,
  ): void;
  /** A fresh connection outside the pool, for tunnels (upgrade, CONNECT): node's client. */
  tunnel(method: string, path: string, headers: string[]): ClientRequest;
  close(): Promise<void>;
}

export interface UpstreamOptions {
  /** Connections to this upstream; beyond it exchanges queue in the pool. Default unbounded. */
  maxSockets?: number;
  /**
   * An idle pooled connection is closed after this long (shorter when the upstream's `Keep-Alive:
   * timeout=N` says so), so the tap does not reuse a socket the upstream is closing. Default 4000 ms,
   * under node's 5 s server keep-alive default.
   */
  freeSocketTimeoutMs?: number;
}

/**
 * `http://host:port/base` -> requests to `/base` + the client's path. Keep-alive is on: a new TCP
 * connection per request would cost more CPU than everything else the tap does.
 *
 * Exchanges go through undici's pool and its raw handler interface rather than node's
 * `http.request`: per request it builds no ClientRequest/IncomingMessage streams and no header
 * objects, and writes the request head in one call. On the tap benchmark that is about a quarter
 * less CPU per proxied request than node's client, the largest single cost the tap pays per request.
 * Timeouts are the tap's own (`Deadlines`): undici's per-request timers are off.
 */
export function createUpstream(url: string, options: UpstreamOptions = {}): Upstream {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'https:';
  const base = parsed.pathname === '/' ? '' : parsed.pathname.replace(/\/$/, '');
  const port = parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port);
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const pool = new Pool(parsed.origin, {
    connections: Number.isFinite(options.maxSockets ?? Infinity) ? options.maxSockets : null,
    pipelining: 1,
    keepAliveTimeout: options.freeSocketTimeoutMs ?? 4_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  return {
    url,
    host: parsed.host,
    exchange(method, path, headers, body, handler) {
      pool.dispatch(
        {
          method: method as Dispatcher.HttpMethod,
          path: base + path,
          headers,
          // undici streams any (async) iterable body; its types list only Readable.
          body: body as Dispatcher.DispatchOptions['body'],
        },
        handler as unknown as Dispatcher.DispatchHandler,
      );
    },
    tunnel(method, path, headers) {
      const requestOptions: RequestOptions = {
        hostname,
        port,
        method,
        path: base + path,
        headers: headers as unknown as RequestOptions['headers'],
        agent: false,
        setHost: false,
      };
      return (secure ? https : http).request(requestOptions);
    },
    close: () => pool.destroy(),
  };
}

/** Raw header pairs from undici (bytes) as node's rawHeaders layout (latin1 strings). */
export function headerStrings(raw: readonly Buffer[] | null): string[] {
  if (raw === null) return [];
  const out = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i] as Buffer).toString('latin1');
  return out;
}
