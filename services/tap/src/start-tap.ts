import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Meter } from '@opentelemetry/api';
import { CONFIG_HASH_STAMP_CHARS, ConfigError, configHash } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import type { RecordPublisher } from '@shadowdiff/engine';
import { Deadlines, UpstreamTimeoutError, createSource, createUpstream } from '@shadowdiff/source';
import type { BufferStats, RecordLimit } from '@shadowdiff/source';
import { createAdminServer } from './admin-server.js';
import { createClientServer, createRejectCounter } from './client-server.js';
import { createTunnelHandler } from './passthrough.js';
import { createRequestHandler } from './proxy.js';
import { parseListen, resolveUpstreams } from './settings.js';
import { tapVersion } from './tap-version.js';

export interface StartTapOptions {
  /** The validated shared config; the tap reads `tap`, `service` and `kafka.topics.taps`. */
  config: ShadowdiffConfig;
  /** Where records go: the Kafka publisher in a fleet, an in-memory one when embedded. */
  publisher: RecordPublisher;
  /** OTel meter for the tap's own metrics (`shadow.tap.*`). */
  meter: Meter;
  /**
   * Per-deployment HMAC key for redaction. Default: the env var named by `tap.redact.keyEnv`; when
   * that is unset too, a random key for this process (fine for one mirror tap, wrong for a pair of
   * sidecars, whose tokens would then differ — a sidecar tap warns so; a mirror tap does not).
   */
  redactKey?: Uint8Array;
  /** Environment to read the key from. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Operational log lines (start-up facts, rate-limited delivery trouble). Default stderr. */
  log?: (line: string) => void;
  /** Extra facts for `/readyz`, e.g. the Kafka publisher's connection state. */
  publisherStatus?: () => Record<string, unknown>;
  /**
   * The largest record sent; `tap` passes one it lowers to the topic's `max.message.bytes` once
   * the broker answers. Default: `kafka.maxMessageBytes`.
   */
  recordLimit?: RecordLimit;
}

export interface TapStats {
  buffer: BufferStats;
  shadowInFlight: number;
  /** Self-check copies (second primary calls) in flight. */
  selfCheckInFlight: number;
  activeRequests: number;
}

export interface TapHandle {
  /** `http://host:port` clients call. */
  url: string;
  /** `http://host:port` of `/healthz` and `/readyz`. */
  adminUrl: string;
  stats(): TapStats;
  /**
   * Graceful stop: readiness goes 503, no new connections, in-flight requests and shadow requests
   * get `tap.shutdownGraceMs` to finish, then the buffer gets as long again to publish what it
   * holds (the rest is dropped and counted). Does not close the publisher: its owner does.
   */
  close(): Promise<void>;
}

/** Starts the tap in the mode its config says. Resolves once both listeners are bound. */
export async function startTap(options: StartTapOptions): Promise<TapHandle> {
  const { config, publisher, meter } = options;
  const tap = config.tap;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const upstreams = resolveUpstreams(config);
  const source = createSource({
    config,
    publisher,
    meter,
    mode: upstreams.mode,
    role: upstreams.mode === 'mirror' ? 'primary' : tap.role,
    shadowUrl: upstreams.shadow,
    secondaryUrl: upstreams.secondary,
    // Which tap build and which config produced a record: the evidence report lists both.
    facts: {
      tapVersion: tapVersion(),
      configHash: configHash(config).slice(0, CONFIG_HASH_STAMP_CHARS),
    },
    // A primary tap counts what it serves without mirroring, per route (census records).
    census: upstreams.mode === 'mirror' || tap.role === 'primary',
    redactKey: options.redactKey,
    env: options.env,
    // A mirror tap redacts both halves of every pair itself, so a per-process key is enough
    // there; only sidecar taps (one per side) must agree on the HMAC tokens.
    warnRandomKey: upstreams.mode === 'sidecar',
    log,
    recordLimit: options.recordLimit,
  });
  const { buffer, shadow, selfCheck } = source;
  if (selfCheck === undefined && tap.secondary !== undefined) {
    log('tap: tap.secondary is set but tap.selfCheck.enabled is false: no copies go to it');
  }
  const primary = createUpstream(upstreams.primary);

  const active = { requests: 0 };
  const primaryDeadlines = new Deadlines(
    tap.upstreamTimeoutMs,
    () => new UpstreamTimeoutError(tap.upstreamTimeoutMs),
  );
  // A client's own mirror marker never reaches a primary (a shadow sidecar's mesh may set it).
  const stripHeader =
    upstreams.mode === 'mirror' || tap.role !== 'shadow'
      ? tap.mirror.markerHeader.toLowerCase()
      : undefined;
  const rejected = createRejectCounter(meter, config.service);
  const handler = createRequestHandler({
    source,
    primary,
    deadlines: primaryDeadlines,
    active,
    stripHeader,
    rejected,
  });

  const server = createClientServer(tap.server, handler, rejected);
  server.on('upgrade', createTunnelHandler(primary, 'upgrade', source.metrics, stripHeader));
  server.on('connect', createTunnelHandler(primary, 'connect', source.metrics, stripHeader));
  // Tunnels are not tracked by the http server's connection lists: close them on shutdown.
  const tunnels = new Set<Socket>();
  for (const event of ['upgrade', 'connect'] as const) {
    server.on(event, (_req, socket: Socket) => {
      tunnels.add(socket);
      socket.once('close', () => tunnels.delete(socket));
    });
  }

  let draining = false;
  const stats = (): TapStats => ({
    buffer: buffer.stats(),
    shadowInFlight: shadow?.active ?? 0,
    selfCheckInFlight: selfCheck?.target.active ?? 0,
    activeRequests: active.requests,
  });
  const admin = createAdminServer({
    ready: () => !draining,
    describe: () => ({
      mode: upstreams.mode,
      ...stats(),
      ...(options.publisherStatus ? { publisher: options.publisherStatus() } : {}),
    }),
  });

  const url = await listen(server, tap.listen, 'tap.listen', '--listen');
  let adminUrl: string;
  try {
    adminUrl = await listen(admin, tap.adminListen, 'tap.adminListen', '--admin-listen');
  } catch (error) {
    server.close();
    throw error;
  }
  source.start();
  log(
    `tap: ${upstreams.mode} mode on ${url} -> ${upstreams.primary}` +
      (upstreams.shadow ? ` (mirror to ${upstreams.shadow})` : ` as ${tap.role}`) +
      (selfCheck
        ? `; self-check: first ${tap.selfCheck.firstPerRoute} per route + ${tap.selfCheck.percent}% sent again to ${upstreams.secondary === upstreams.primary ? 'the primary' : upstreams.secondary}`
        : '') +
      `; health ${adminUrl}/healthz; records to ${config.kafka.topics.taps}`,
  );

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    draining = true;
    const deadline = Date.now() + tap.shutdownGraceMs;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await until(() => active.requests === 0 && source.copiesInFlight() === 0, deadline);
    server.closeAllConnections();
    for (const socket of tunnels) socket.destroy();
    await closed;
    await Promise.all([source.close(Date.now() + tap.shutdownGraceMs), primary.close()]);
    primaryDeadlines.close();
    await new Promise<void>((resolve) => admin.close(() => resolve()));
  };

  return {
    url,
    adminUrl,
    stats,
    close: () => (closing ??= close()),
  };
}

/** Binds `server`; an address that cannot be had is a config error naming the key and the flag. */
function listen(
  server: Server,
  address: string | number,
  key: string,
  flag: string,
): Promise<string> {
  const { host, port } = parseListen(address);
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const why =
        error.code === 'EADDRINUSE'
          ? 'is already in use'
          : error.code === 'EACCES'
            ? 'needs privileges this process lacks'
            : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
              ? 'is not an address of this machine'
              : undefined;
      if (why === undefined) return reject(error);
      reject(
        new ConfigError(
          'ERR_CONFIG_INVALID',
          `${key}: ${address} ${why} (${error.code}) — free it, or pass ${flag} with another host:port`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const bound = server.address() as AddressInfo;
      const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      resolve(`http://${shown}:${bound.port}`);
    });
  });
}

async function until(done: () => boolean, deadline: number): Promise<void> {
  while (!done() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
