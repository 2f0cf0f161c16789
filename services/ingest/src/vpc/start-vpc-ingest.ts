import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Meter } from '@opentelemetry/api';
import { CONFIG_HASH_STAMP_CHARS, ConfigError, configHash } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import type { RecordPublisher } from '@shadowdiff/engine';
import { createSource } from '@shadowdiff/source';
import type { RecordLimit } from '@shadowdiff/source';
import { parseListen } from '../listen-address.js';
import { MirrorReassembler } from './mirror-reassembler.js';
import { recordExchange } from './record-exchange.js';
import type { RecordCounters } from './record-exchange.js';
import type { Exchange } from './tcp/http-flow.js';
import { listenUdp } from './udp-receiver.js';
import { observeVpcStats } from './vpc-metrics.js';
import type { VpcStats } from './vpc-stats.js';

export interface StartVpcIngestOptions {
  /** Validated config: `vpc.*`, and the tap's `tap.mirror`, `tap.redact`, `tap.buffer` keys. */
  config: ShadowdiffConfig;
  /** Kafka's publisher in a fleet; the embedded pipeline's memory bus in one process. */
  publisher: RecordPublisher;
  meter: Meter;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** `tapId` of the records. Default `vpc@hostname:pid`. */
  tapId: string;
  recordLimit?: RecordLimit;
  /** Extra facts for `/readyz` (the publisher's state). */
  publisherStatus?: () => Record<string, unknown>;
  /** Seen before anything is recorded (tests, `--records-out` counts). */
  onExchange?: (exchange: Exchange) => void;
}

export interface VpcIngestStats {
  vpc: VpcStats;
  records: RecordCounters;
  flows: number;
  bufferedBytes: number;
  shadowInFlight: number;
  receiveErrors: number;
}

export interface VpcIngestHandle {
  /** The UDP address datagrams are received on. */
  address: string;
  port: number;
  adminUrl: string;
  stats(): VpcIngestStats;
  /** Stops receiving, ends every flow (what pairs is still recorded), flushes the records. */
  close(): Promise<void>;
}

/**
 * `vpc-ingest` as a library: the UDP socket a Traffic Mirroring target sends to, the reassembler,
 * and the shared source (policy, redaction, records, buffer, shadow copies) the tap uses. Health,
 * readiness and counters on `vpc.adminListen`.
 */
export async function startVpcIngest(options: StartVpcIngestOptions): Promise<VpcIngestHandle> {
  const { config, publisher, meter } = options;
  const vpc = config.vpc;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (vpc.shadow === undefined) {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      'vpc.shadow: the ingest replays mirrored requests to the service under test — set vpc.shadow or pass --shadow http://host:port',
    );
  }
  const source = createSource({
    config,
    publisher,
    meter,
    mode: 'mirror',
    role: 'primary',
    shadowUrl: vpc.shadow,
    // The primary is only watched: nothing asks it a second time.
    secondaryUrl: undefined,
    tapId: options.tapId,
    facts: {
      source: 'vpc',
      configHash: configHash(config).slice(0, CONFIG_HASH_STAMP_CHARS),
    },
    census: true,
    env: options.env,
    warnRandomKey: false,
    log,
    recordLimit: options.recordLimit,
  });
  const tap = config.tap;
  const mirror = new MirrorReassembler({
    vnis: vpc.vnis,
    serverPorts: vpc.serverPorts,
    serverCidrs: vpc.serverCidrs,
    // What the record keeps, or what a replayed body may be: a larger body is cut and not replayed.
    maxBodyBytes: Math.max(tap.captureBodyBytes, tap.mirror.maxBodyBytes),
    maxFlowBytes: vpc.maxFlowBytes,
    maxTotalBytes: vpc.maxTotalBytes,
    maxFlows: vpc.maxFlows,
    idleTimeoutMs: vpc.idleTimeoutMs,
    holeWaitMs: vpc.holeWaitMs,
  });
  const counters: RecordCounters = { recorded: 0, requestIncomplete: 0 };
  let receiveErrors = 0;
  const handle = (exchanges: Exchange[]): void => {
    for (const exchange of exchanges) {
      options.onExchange?.(exchange);
      recordExchange(source, exchange, counters);
    }
  };
  const read = () => ({
    stats: mirror.stats,
    bufferedBytes: mirror.bufferedBytes,
    flows: mirror.flowCount,
    receiveErrors,
  });
  observeVpcStats(meter, config.service, read);

  const listen = parseListen(vpc.listen);
  const udp = await listenUdp(
    listen.host,
    listen.port,
    vpc.receiveBufferBytes,
    (datagram) => handle(mirror.push(datagram, Date.now())),
    (error) => {
      receiveErrors++;
      log(`vpc-ingest: socket: ${error.message}`);
    },
  );
  const sweeper = setInterval(() => handle(mirror.sweep(Date.now())), 1_000);
  sweeper.unref();
  source.start();

  let draining = false;
  const stats = (): VpcIngestStats => ({
    vpc: mirror.stats,
    records: { ...counters },
    flows: mirror.flowCount,
    bufferedBytes: mirror.bufferedBytes,
    shadowInFlight: source.copiesInFlight(),
    receiveErrors,
  });
  const admin = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const ready = !draining;
    const [status, body] =
      path === '/healthz'
        ? [200, { status: 'ok' }]
        : path === '/readyz'
          ? [
              ready ? 200 : 503,
              {
                status: ready ? 'ready' : 'draining',
                listen: udp.address,
                buffer: source.buffer.stats(),
                ...options.publisherStatus?.(),
              },
            ]
          : path === '/stats'
            ? [200, stats()]
            : [404, { error: 'not found', endpoints: ['/healthz', '/readyz', '/stats'] }];
    const text = `${JSON.stringify(body)}\n`;
    res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(text);
  });
  const adminAt = parseListen(vpc.adminListen);
  await new Promise<void>((resolve, reject) => {
    admin.once('error', reject);
    admin.listen(adminAt.port, adminAt.host ?? '127.0.0.1', () => resolve());
  });
  const adminAddress = admin.address() as AddressInfo;
  log(
    `vpc-ingest: receiving VXLAN on udp ${udp.address} (receive buffer ${udp.receiveBufferBytes} bytes), replaying to ${vpc.shadow}` +
      `${vpc.vnis.length ? `, VNIs ${vpc.vnis.join(',')}` : ''}${vpc.serverPorts.length ? `, server ports ${vpc.serverPorts.join(',')}` : ''}`,
  );

  let closing: Promise<void> | undefined;
  return {
    address: udp.address,
    port: udp.port,
    adminUrl: `http://${adminAddress.address}:${adminAddress.port}`,
    stats,
    close: () =>
      (closing ??= (async () => {
        draining = true;
        clearInterval(sweeper);
        await udp.close();
        handle(mirror.close(Date.now()));
        // Replays in flight get the mirror timeout to answer, then the buffer is flushed.
        const until = Date.now() + tap.mirror.timeoutMs;
        while (source.copiesInFlight() > 0 && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 20));
        }
        await source.close(Date.now() + tap.shutdownGraceMs);
        await new Promise<void>((resolve) => admin.close(() => resolve()));
      })()),
  };
}
