/**
 * A real embedded pipeline for the console's end-to-end test: two sample HTTP services (primary and
 * a shadow with seeded drift), the mirror tap in front of them publishing to an in-memory bus, the
 * worker judging on the in-memory adapters, and the console over the worker's sample store.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics } from '@opentelemetry/api';
import { validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { catalogNoise, startConsole } from '@shadowdiff/console';
import type { ConsoleHandle } from '@shadowdiff/console';
import { NoiseCatalog, compileRules } from '@shadowdiff/engine';
import {
  MemoryBus,
  MemoryNoiseStore,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { startTap } from '@shadowdiff/tap';
import type { TapHandle } from '@shadowdiff/tap';
import { startWorker } from '@shadowdiff/worker';
import type { Worker } from '@shadowdiff/worker';

/** The seeded drift: the shadow adds 1 to `total` on every order whose id is a multiple of 4. */
export const DRIFT_ROUTE = 'GET /orders/{id}';
export const DRIFT_PATH = '/total';
export const DRIFT_EVERY = 4;
/**
 * Seeded noise the built-in detectors do not know: each side numbers its responses with its own
 * counter, so `/seq` differs on every pair and rises on the primary — the learner's `counter`.
 */
export const NOISE_ROUTE = 'GET /products/{id}';
export const NOISE_PATH = '/seq';

async function serve(
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A small orders/users service; `shadow` carries the seeded drift. Volatile fields on both. */
function sampleService(shadow: boolean) {
  let seq = shadow ? 100_000 : 0;
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-request-id': randomUUID(),
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    const order = /^\/orders\/(\d+)$/.exec(url.pathname);
    if (order) {
      const id = Number(order[1]);
      const total = 10 * id + 0.5;
      send(200, {
        id,
        status: 'shipped',
        total: shadow && id % DRIFT_EVERY === 0 ? total + 1 : total,
        currency: 'EUR',
        items: [
          { sku: `sku-${id}`, qty: 1, price: total },
          { sku: 'gift-wrap', qty: 1, price: 0 },
        ],
        generatedAt: new Date().toISOString(),
        requestId: randomUUID(),
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/orders') {
      send(201, { id: 1_000, status: 'created' });
      return;
    }
    const product = /^\/products\/(\d+)$/.exec(url.pathname);
    if (product) {
      send(200, { id: Number(product[1]), name: `product ${product[1]}`, seq: ++seq });
      return;
    }
    const user = /^\/users\/(\d+)$/.exec(url.pathname);
    if (user) {
      send(200, { id: Number(user[1]), name: `user ${user[1]}`, plan: 'pro', seenAt: Date.now() });
      return;
    }
    send(404, { error: 'not found' });
  };
}

export interface ConsolePipeline {
  config: ShadowdiffConfig;
  samples: MemorySampleStore;
  noise: NoiseCatalog;
  worker: Worker;
  tap: TapHandle;
  console: ConsoleHandle;
  /** GETs through the tap (what a client of the primary does). */
  get(path: string): Promise<number>;
  /** Any method through the tap. */
  send(method: string, path: string): Promise<number>;
  close(): Promise<void>;
}

export async function startConsolePipeline(
  options: { env?: NodeJS.ProcessEnv; listen?: string } = {},
): Promise<ConsolePipeline> {
  const primary = await serve(sampleService(false));
  const shadow = await serve(sampleService(true));
  const config = validateConfig({
    service: 'shop',
    owner: 'team-checkout',
    tap: {
      mode: 'mirror',
      primary: primary.url,
      shadow: shadow.url,
      listen: '127.0.0.1:0',
      adminListen: '127.0.0.1:0',
      tapId: 'e2e-tap',
      buffer: { lingerMs: 1 },
      // The console's learner views (evidence, recount after learning) need noise the learner
      // decides over many pairs; self-check would prove it from the first pair instead (its own
      // end-to-end test: services/cli/src/selfcheck-e2e.test.ts).
      selfCheck: { enabled: false },
    },
    worker: { windowMs: 500 },
    noise: { minSamples: 30 },
    console: { listen: options.listen ?? '127.0.0.1:0' },
  });
  const meter = metrics.getMeter('e2e');
  const bus = new MemoryBus({ partitions: 2 });
  const samples = new MemorySampleStore({ examplesPerKey: 5 });
  const noiseStore = new MemoryNoiseStore();
  const noise = new NoiseCatalog({
    store: noiseStore,
    config: config.noise,
    rules: compileRules(config.rules),
  });
  const worker = await startWorker({
    config,
    source: bus.source(config.kafka.topics.taps, config.worker.groupId),
    publisher: bus.publisher(),
    store: new MemoryPendingStore(),
    scheduler: new TimerOrphanScheduler(),
    samples,
    noise: noiseStore,
    noiseFlushMs: 100,
    meter,
    clock: systemClock,
  });
  const tap = await startTap({
    config,
    publisher: bus.publisher(),
    meter,
    redactKey: Buffer.from('e2e-redaction-key'),
    log: () => {},
  });
  const consoleHandle = await startConsole({
    config,
    samples,
    noise: catalogNoise(noise),
    env: options.env ?? {},
    log: () => {},
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const send = (method: string, path: string) =>
    new Promise<number>((resolve, reject) => {
      http
        .request(`${tap.url}${path}`, { method, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', reject)
        .end();
    });
  return {
    config,
    samples,
    noise,
    worker,
    tap,
    console: consoleHandle,
    get: (path) => send('GET', path),
    send,
    async close() {
      agent.destroy();
      await consoleHandle.close();
      await tap.close();
      await worker.stop();
      await primary.close();
      await shadow.close();
    },
  };
}
