import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientRequest, RequestOptions } from 'node:http';

/** One service the tap talks to, with its own keep-alive pool. */
export interface Upstream {
  /** As configured, for logs and errors. */
  url: string;
  /** `host:port`, sent as Host when the client sent none (HTTP/1.0). */
  host: string;
  agent: http.Agent;
  request(
    method: string,
    path: string,
    headers: string[],
    agent?: http.Agent | false,
  ): ClientRequest;
  close(): void;
}

export interface UpstreamOptions {
  /** Sockets per upstream; beyond it requests queue in the agent. Default unbounded. */
  maxSockets?: number;
  /** Idle keep-alive sockets kept for reuse. Default 256. */
  maxFreeSockets?: number;
  /**
   * An idle pooled socket is closed after this long (shorter when the upstream's `Keep-Alive:
   * timeout=N` says so), so the tap does not reuse a socket the upstream is closing. Default 4000 ms,
   * under node's 5 s server keep-alive default.
   */
  freeSocketTimeoutMs?: number;
}

/**
 * `http://host:port/base` -> requests to `/base` + the client's path. Keep-alive is on: a new TCP
 * connection per request would cost more CPU than everything else the tap does.
 */
export function createUpstream(url: string, options: UpstreamOptions = {}): Upstream {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'https:';
  const mod = secure ? https : http;
  const agent = new mod.Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? Infinity,
    maxFreeSockets: options.maxFreeSockets ?? 256,
    scheduling: 'lifo',
    timeout: options.freeSocketTimeoutMs ?? 4_000,
  });
  const base = parsed.pathname === '/' ? '' : parsed.pathname.replace(/\/$/, '');
  const port = parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port);
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    url,
    host: parsed.host,
    agent,
    request(method, path, headers, useAgent = agent) {
      const options: RequestOptions = {
        hostname,
        port,
        method,
        path: base + path,
        headers: headers as unknown as RequestOptions['headers'],
        agent: useAgent,
        // The client's Host travels unchanged (an Istio mirror's `-shadow` host included).
        setHost: false,
      };
      return mod.request(options);
    },
    close() {
      agent.destroy();
    },
  };
}
