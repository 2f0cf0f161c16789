import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, listenError } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import type { Clock, SampleStore } from '@shadowdiff/engine';
import type { ConsoleNoise, NoiseDecisionInput } from '../noise/console-noise.js';
import { consoleVersion } from '../version.js';
import { bearerMatches, hostAllowed, isLoopbackHost, tokenDigest } from './auth.js';
import { ConsoleData } from './console-data.js';
import { BadRequest, readJson, sendBytes, sendJson } from './http-util.js';
import { limit, required, sampleKind, timeRange } from './query.js';
import { loadStaticFiles } from './static-files.js';

export interface StartConsoleOptions {
  /** Validated config: `console.listen`, `console.tokenEnv`, `service` and `owner` are read. */
  config: ShadowdiffConfig;
  /** Route statistics and examples (Redis in a fleet, memory when embedded). */
  samples: SampleStore;
  /** Learned noise; without it the noise panel says noise learning is not connected. */
  noise?: ConsoleNoise;
  /** Time source for default ranges. Default `Date.now`. */
  clock?: Clock;
  /** Listen address, overriding `console.listen` (`host:port`; port 0 picks a free port). */
  listen?: string | number;
  /** The flag that sets the address, named when it cannot be had. Default `--listen`. */
  listenFlag?: string;
  /** Environment holding the token (the variable named by `console.tokenEnv`). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Start-up and error lines. Default: stderr. The token is never passed here. */
  log?: (line: string) => void;
}

export interface ConsoleHandle {
  /** `http://host:port` of the UI and API. */
  url: string;
  /** Whether API calls need `Authorization: Bearer <token>`. */
  auth: 'token' | 'loopback';
  close(): Promise<void>;
}

function parseListen(listen: string | number): { host: string | undefined; port: number } {
  if (typeof listen === 'number') return { host: undefined, port: listen };
  const colon = listen.lastIndexOf(':');
  if (colon < 0) return { host: undefined, port: Number(listen) };
  const host = listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port: Number(listen.slice(colon + 1)) };
}

/**
 * Starts the console: the web UI (`/`) and its JSON API (`/api/*`) over the sample store. API calls
 * need `Authorization: Bearer <token>` whenever the token variable is set, and the console refuses
 * to start on a non-loopback address without one. Resolves once listening.
 */
export async function startConsole(options: StartConsoleOptions): Promise<ConsoleHandle> {
  const { config } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = options.env ?? process.env;
  const { host, port } = parseListen(options.listen ?? config.console.listen);
  const loopbackOnly = isLoopbackHost(host);
  const token = env[config.console.tokenEnv];
  if (!loopbackOnly && (token === undefined || token === '')) {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      `console.listen: ${host ?? '(all interfaces)'}:${port} is reachable from other machines, so the console needs a bearer token — set ${config.console.tokenEnv} (console.tokenEnv), or listen on 127.0.0.1`,
    );
  }
  const digest = token !== undefined && token !== '' ? tokenDigest(token) : undefined;
  const files = loadStaticFiles();
  const data = new ConsoleData(options.samples, options.noise);
  const version = consoleVersion();
  let boundPort = port;

  const api = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> => {
    const q = url.searchParams;
    const now = clock.now();
    const method = req.method ?? 'GET';
    const route = `${method} ${url.pathname}`;
    switch (route) {
      case 'GET /api/meta':
        return sendJson(res, 200, {
          service: config.service,
          owner: config.owner ?? null,
          version,
          auth: digest ? 'token' : 'loopback',
          noise: options.noise !== undefined,
          now,
        });
      case 'GET /api/overview':
        return sendJson(
          res,
          200,
          await data.overview(timeRange(q, now), q.get('service') ?? undefined),
        );
      case 'GET /api/route':
        return sendJson(
          res,
          200,
          await data.route(required(q, 'service'), required(q, 'route'), timeRange(q, now)),
        );
      case 'GET /api/examples':
        return sendJson(res, 200, {
          examples: await data.examples(
            required(q, 'service'),
            required(q, 'route'),
            sampleKind(q),
            q.get('path') ?? '',
            limit(q),
          ),
        });
      case 'GET /api/example': {
        const view = await data.example(
          required(q, 'service'),
          required(q, 'route'),
          sampleKind(q),
          q.get('path') ?? '',
          required(q, 'trace'),
        );
        if (!view)
          throw new BadRequest('example not found (it may have aged out of the store)', 404);
        return sendJson(res, 200, view);
      }
      case 'GET /api/noise':
        return sendJson(res, 200, {
          connected: options.noise !== undefined,
          entries: await data.noiseEntries(
            q.get('service') ?? undefined,
            q.get('route') ?? undefined,
          ),
        });
      case 'POST /api/noise/decide': {
        if (!options.noise)
          throw new BadRequest('noise learning is not connected to this console', 409);
        const body = (await readJson(req)) as { id?: unknown; decision?: unknown };
        if (typeof body.id !== 'string') throw new BadRequest(`'id' must be a string`);
        const decision = body.decision ?? null;
        if (decision !== null && decision !== 'confirmed' && decision !== 'rejected') {
          throw new BadRequest(`'decision' must be "confirmed", "rejected" or null`);
        }
        const entry = await options.noise.decide(body.id, decision as NoiseDecisionInput);
        if (!entry) throw new BadRequest('no such noise entry', 404);
        return sendJson(res, 200, entry);
      }
      default:
        throw new BadRequest(`no API endpoint ${route}`, 404);
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
    if (!digest && !hostAllowed(req.headers.host, boundPort)) {
      return sendJson(res, 421, { error: 'this console answers only to localhost' });
    }
    if (url.pathname.startsWith('/api/')) {
      if (digest && !bearerMatches(req.headers.authorization, digest)) {
        res.setHeader('www-authenticate', 'Bearer realm="shadowdiff"');
        return sendJson(res, 401, { error: 'missing or wrong bearer token' });
      }
      api(req, res, url).catch((error: unknown) => {
        if (error instanceof BadRequest)
          return sendJson(res, error.status, { error: error.message });
        log(
          `console: ${req.method} ${url.pathname} failed: ${(error as Error)?.message ?? String(error)}`,
        );
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error (see the console log)' });
        else res.destroy();
      });
      return;
    }
    const file = files.get(url.pathname);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return sendJson(res, 404, { error: 'not found' });
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, { etag: file.etag });
      return res.end();
    }
    sendBytes(res, 200, file.type, file.bytes, { etag: file.etag, 'cache-control': 'no-cache' });
  });
  server.keepAliveTimeout = 5_000;

  const address = options.listen ?? config.console.listen;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(listenError(error, 'console.listen', address, options.listenFlag ?? '--listen'));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  boundPort = bound.port;
  const shown =
    host === undefined || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : bound.address;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound.port}`;
  log(
    `console: listening on ${url}` +
      (host === undefined ? ' (all interfaces)' : '') +
      (digest
        ? `; API needs the bearer token from $${config.console.tokenEnv}`
        : '; loopback only, no token'),
  );
  return {
    url,
    auth: digest ? 'token' : 'loopback',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
