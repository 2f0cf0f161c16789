/**
 * Fixtures for the hostile-client tests: a mirror tap over a deterministic primary and a counting
 * shadow, a raw-socket client, and "normal clients" that keep comparing what the tap returns with
 * what the primary answers directly, byte for byte, while an attack runs.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { decodeTapRecord } from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import { startTap } from './start-tap.js';
import type { TapHandle } from './start-tap.js';
import {
  MemoryPublisher,
  endToEnd,
  fetchRaw,
  metricsHarness,
  tapConfig,
} from './test-harness.test-kit.js';
import type { MetricsHarness } from './test-harness.test-kit.js';

export const JSON_BODY = Buffer.from(
  JSON.stringify({ id: 7, lines: Array.from({ length: 50 }, (_, i) => ({ sku: `s${i}` })) }),
);
const BIG = Buffer.alloc(256 * 1024, 'abcdefghijklmnopqrstuvwxyz');

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  bytes: number;
  sha256: string;
  /** The request's body arrived whole (false: the connection ended mid-body). */
  complete: boolean;
}

export interface CountingServer {
  url: string;
  seen: Seen[];
  /** Called per body chunk as it arrives (streaming checks). */
  onChunk?: (req: http.IncomingMessage, received: number) => void;
  /** Custom answers by path; the default answers are deterministic (no Date). */
  routes: Map<string, (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void>;
  server: http.Server;
  close(): Promise<void>;
}

/** An upstream that hashes each request body as it streams (nothing kept) and records the request. */
export async function countingServer(name: string): Promise<CountingServer> {
  const self: CountingServer = {
    url: '',
    seen: [],
    routes: new Map(),
    server: undefined as unknown as http.Server,
    close: () => Promise.resolve(),
  };
  const server = http.createServer((req, res) => {
    res.sendDate = false;
    const hash = createHash('sha256');
    const seen: Seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      bytes: 0,
      sha256: '',
      complete: false,
    };
    self.seen.push(seen);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const custom = self.routes.get(path);
    if (custom !== undefined && path.startsWith('/early')) return custom(req, res, seen);
    req.on('data', (chunk: Buffer) => {
      seen.bytes += chunk.length;
      hash.update(chunk);
      self.onChunk?.(req, seen.bytes);
    });
    req.on('end', () => {
      seen.complete = true;
      seen.sha256 = hash.digest('hex');
      if (custom !== undefined) return custom(req, res, seen);
      if (path === '/chunked') {
        res.writeHead(200, ['Content-Type', 'text/plain', 'Trailer', 'X-Sum', 'X-Served-By', name]);
        res.write('first,');
        setImmediate(() => {
          res.addTrailers({ 'X-Sum': 'abc' });
          res.end('second');
        });
      } else if (path === '/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(BIG);
      } else {
        res.writeHead(200, 'Fine', [
          'Content-Type',
          'application/json',
          'X-Multi',
          'a',
          'x-multi',
          'b',
          'Content-Length',
          String(JSON_BODY.length),
        ]);
        res.end(JSON_BODY);
      }
    });
  });
  // Tests count what reached this server; a malformed request is a count too.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    self.seen.push({
      method: 'CLIENT_ERROR',
      url: error.code ?? 'unknown',
      headers: {},
      rawHeaders: [],
      bytes: 0,
      sha256: '',
      complete: false,
    });
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  self.url = `http://127.0.0.1:${port}`;
  self.server = server;
  self.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return self;
}

export interface Rig {
  tap: TapHandle;
  port: number;
  primary: CountingServer;
  shadow: CountingServer;
  metrics: MetricsHarness;
  records(): TapRecord[];
  /** Waits until no shadow copy is in flight. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A mirror tap (`tap` adds to its settings; self-check off, so counts are exact), or with
 * `sidecar` a sidecar tap of that role in front of `primary` (then `shadow` gets nothing).
 */
export async function mirrorRig(
  tap: Record<string, unknown> = {},
  sidecar?: 'primary' | 'shadow',
): Promise<Rig> {
  const primary = await countingServer('primary');
  const shadow = await countingServer('shadow');
  const publisher = new MemoryPublisher();
  const metrics = metricsHarness();
  const mode =
    sidecar === undefined
      ? { mode: 'mirror', primary: primary.url, shadow: shadow.url }
      : { mode: 'sidecar', role: sidecar, upstream: primary.url };
  const handle = await startTap({
    config: tapConfig({
      ...mode,
      selfCheck: { enabled: false },
      buffer: { lingerMs: 1 },
      ...tap,
    }),
    publisher,
    meter: metrics.meter,
    redactKey: Buffer.from('k'),
    log: () => {},
  });
  return {
    tap: handle,
    port: Number(new URL(handle.url).port),
    primary,
    shadow,
    metrics,
    records: () =>
      publisher.messages.map((m) => {
        const d = decodeTapRecord(m.value);
        if (!d.ok) throw d.error;
        return d.value;
      }),
    settled: () => until(() => handle.stats().shadowInFlight === 0),
    async close() {
      await handle.close();
      await metrics.shutdown();
      await primary.close();
      await shadow.close();
    },
  };
}

/** What a raw exchange got back: every status line seen, and whether the tap closed first. */
export interface RawResult {
  text: string;
  statuses: number[];
  closedByTap: boolean;
}

/**
 * Writes `payload` on a fresh connection and reads until the tap closes it (or, when
 * `responses` answers have arrived, closes it itself): smuggling attempts need byte-exact heads.
 */
export function rawExchange(
  port: number,
  payload: string | Buffer,
  responses = 1,
): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closedByTap = true;
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      // An answer saying `Connection: close` is waited out: the tap must be the one to close.
      if (completeResponses(text) >= responses && !/\r\nconnection:\s*close/i.test(text)) {
        closedByTap = false;
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ text, statuses: statusesOf(text), closedByTap }));
    socket.write(payload);
  });
}

function statusesOf(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}

/** Responses whose body (by Content-Length, or a chunked terminator) is all here. */
function completeResponses(text: string): number {
  let count = 0;
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return count;
    const head = rest.slice(0, end);
    const length = /content-length:\s*(\d+)/i.exec(head);
    let bodyEnd: number;
    if (length !== null) bodyEnd = end + 4 + Number(length[1]);
    else if (/transfer-encoding:\s*chunked/i.test(head)) {
      const term = rest.indexOf('\r\n0\r\n', end);
      const fin = term < 0 ? -1 : rest.indexOf('\r\n\r\n', term + 2);
      if (fin < 0) return count;
      bodyEnd = fin + 4;
    } else if (/^HTTP\/1\.[01] (1\d\d|204|304)/.test(head)) bodyEnd = end + 4;
    else return count; // framed by the connection's end
    if (bodyEnd > rest.length) return count;
    count += 1;
    rest = rest.slice(bodyEnd);
  }
}

export interface NormalClients {
  /** Stops the loop; resolves with what it saw. */
  stop(): Promise<{ requests: number; mismatches: string[] }>;
}

const NORMAL_PATHS = ['/fixed', '/chunked', '/big'];

/**
 * Normal clients on a keep-alive agent, one request after another: each answer through the tap is
 * compared with the primary's direct answer to the same request (status, end-to-end headers,
 * SHA-256 of the bytes, trailers). Their targets carry `?normal=` so counts can tell them apart.
 */
export function normalClients(rig: Rig, parallel = 2): NormalClients {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
  const direct: Map<string, string> = new Map();
  const mismatches: string[] = [];
  let requests = 0;
  let stopping = false;
  const fingerprint = (r: Awaited<ReturnType<typeof fetchRaw>>): string =>
    JSON.stringify([r.status, r.statusMessage, endToEnd(r.rawHeaders), r.sha256, r.rawTrailers]);
  const loop = async (worker: number): Promise<void> => {
    for (let i = 0; !stopping; i++) {
      const url = NORMAL_PATHS[(i + worker) % NORMAL_PATHS.length] as string;
      try {
        let expected = direct.get(url);
        if (expected === undefined) {
          expected = fingerprint(await fetchRaw(`${rig.primary.url}${url}`));
          direct.set(url, expected);
        }
        const got = fingerprint(
          await fetchRaw(`${rig.tap.url}${url}?normal=${worker}-${i}`, { agent }),
        );
        if (got !== expected) mismatches.push(`${url}: ${got} != ${expected}`);
      } catch (error) {
        mismatches.push(`${url}: ${(error as Error).message}`);
      }
      requests += 1;
    }
  };
  const running = Promise.all(Array.from({ length: parallel }, (_, w) => loop(w)));
  return {
    async stop() {
      stopping = true;
      await running;
      agent.destroy();
      return { requests, mismatches };
    },
  };
}

/** Waits (polling) until `done`; the test's own timeout bounds it. */
export async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
}
