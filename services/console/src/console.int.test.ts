/**
 * The console over the fleet's real store: a worker (in-memory bus and pending store, Redis sample
 * store) judges TapRecords with seeded drift into Redis; a console, the gate and the report read
 * them back through their own Redis client, as the `console`, `gate` and `report` verbs do.
 */
import { metrics } from '@opentelemetry/api';
import { encodeTapRecord, validateConfig } from '@shadowdiff/contracts';
import type { Role, ShadowdiffConfig, TapRecord } from '@shadowdiff/contracts';
import {
  MemoryBus,
  MemoryPendingStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { RedisSampleStore } from '@shadowdiff/redis';
import { redisUrl, scopedRedis, waitFor } from '@shadowdiff/testkit';
import type { ScopedRedis } from '@shadowdiff/testkit';
import { startWorker } from '@shadowdiff/worker';
import type { Worker } from '@shadowdiff/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleData } from './api/console-data.js';
import { startConsole } from './api/server.js';
import { runGate } from './gate/run-gate.js';
import { buildEvidence } from './report/evidence.js';
import { renderMarkdown } from './report/render-markdown.js';

const ORDERS = 120;
const USERS = 40;
const ORPHANS = 6;

function record(
  traceId: string,
  role: Role,
  url: string,
  body: unknown,
  status = 200,
  durationMs = 10,
): Uint8Array {
  const bytes = Buffer.from(JSON.stringify(body));
  const r: TapRecord = {
    v: 1,
    traceId,
    role,
    service: 'shop',
    tapId: `it-${role}`,
    capturedAt: Date.now(),
    durationMs,
    request: {
      method: 'GET',
      url,
      headers: {},
      body: new Uint8Array(),
      bodySize: 0,
      bodyTruncated: false,
    },
    response: {
      status,
      headers: { 'content-type': 'application/json' },
      body: bytes,
      bodySize: bytes.length,
      bodyTruncated: false,
    },
    meta: { mode: 'mirror', traceSource: 'traceparent' },
  };
  return encodeTapRecord(r);
}

describe('console, gate and report over the Redis sample store', () => {
  let scope: ScopedRedis;
  let worker: Worker;
  let readerClient: Redis;
  let samples: RedisSampleStore;
  let config: ShadowdiffConfig;

  beforeAll(async () => {
    scope = await scopedRedis('console');
    config = validateConfig({
      service: 'shop',
      owner: 'team-it',
      redis: { keyPrefix: scope.prefix },
      worker: { windowMs: 300 },
    });
    const writerClient = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    const bus = new MemoryBus({ partitions: 2 });
    worker = await startWorker({
      config,
      source: bus.source(config.kafka.topics.taps, config.worker.groupId),
      publisher: bus.publisher(),
      store: new MemoryPendingStore(),
      scheduler: new TimerOrphanScheduler(),
      samples: new RedisSampleStore({ client: writerClient, keyPrefix: scope.prefix }),
      meter: metrics.getMeter('it'),
      clock: systemClock,
    });
    const messages: { topic: string; key: string; value: Uint8Array }[] = [];
    const push = (
      traceId: string,
      role: Role,
      url: string,
      body: unknown,
      status?: number,
      ms?: number,
    ) =>
      messages.push({
        topic: config.kafka.topics.taps,
        key: traceId,
        value: record(traceId, role, url, body, status, ms),
      });
    for (let i = 1; i <= ORDERS; i++) {
      const id = `order-${i}`;
      push(id, 'primary', `/orders/${i}`, { id: i, total: i * 10 }, 200, 10);
      // Seeded drift: every 4th order's total; the shadow is also 3x slower.
      push(
        id,
        'shadow',
        `/orders/${i}`,
        { id: i, total: i % 4 === 0 ? i * 10 + 1 : i * 10 },
        200,
        30,
      );
    }
    for (let i = 1; i <= USERS; i++) {
      const id = `user-${i}`;
      push(id, 'primary', `/users/${i}`, { id: i });
      push(id, 'shadow', `/users/${i}`, { id: i });
    }
    for (let i = 1; i <= ORPHANS; i++) push(`legacy-${i}`, 'primary', `/legacy/${i}`, { ok: true });
    await bus.publisher().publish(messages);
    readerClient = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    samples = new RedisSampleStore({ client: readerClient, keyPrefix: scope.prefix });
    await waitFor('every verdict in Redis', async () => {
      const routes = await samples.routes();
      let pairs = 0;
      for (const r of routes)
        pairs += (
          await samples.stats({ ...r, from: Date.now() - 600_000, to: Date.now() + 60_000 })
        ).pairs;
      return pairs === ORDERS + USERS + ORPHANS;
    });
    await worker.stop();
    writerClient.disconnect();
  });

  afterAll(async () => {
    readerClient?.disconnect();
    await scope?.cleanup();
  });

  it('serves the overview, route detail and a decoded example from Redis', async () => {
    const c = await startConsole({
      config,
      samples,
      listen: '127.0.0.1:0',
      env: {},
      log: () => {},
    });
    try {
      const overview = (await (await fetch(`${c.url}/api/overview?range=15m`)).json()) as {
        rows: {
          route: string;
          compared: number;
          diffRate: number;
          orphanRate: number;
          latency: { primary: { p99: number }; shadow: { p99: number } };
        }[];
      };
      const byRoute = new Map(overview.rows.map((r) => [r.route, r]));
      expect(byRoute.get('GET /orders/{id}')).toMatchObject({ compared: ORDERS, diffRate: 0.25 });
      expect(byRoute.get('GET /users/{id}')).toMatchObject({ compared: USERS, diffRate: 0 });
      expect(byRoute.get('GET /legacy/{id}')).toMatchObject({ compared: 0, orphanRate: 1 });
      const orders = byRoute.get('GET /orders/{id}')!;
      expect(orders.latency.shadow.p99).toBeGreaterThan(orders.latency.primary.p99);

      const q = new URLSearchParams({ service: 'shop', route: 'GET /orders/{id}', range: '15m' });
      const detail = (await (await fetch(`${c.url}/api/route?${q}`)).json()) as {
        tree: { name: string; children: { path: string; total: number }[] }[];
      };
      expect(detail.tree.find((n) => n.name === 'body')!.children).toEqual([
        expect.objectContaining({ path: '/total', total: ORDERS / 4 }),
      ]);
      q.set('kind', 'body');
      q.set('path', '/total');
      const list = (await (await fetch(`${c.url}/api/examples?${q}`)).json()) as {
        examples: { traceId: string }[];
      };
      expect(list.examples.length).toBe(5);
      q.set('trace', list.examples[0]!.traceId);
      const ex = (await (await fetch(`${c.url}/api/example?${q}`)).json()) as {
        diffs: { path: string }[];
        sides: Record<string, { body: { value: { total: number } }; tapId: string }>;
      };
      expect(ex.diffs.map((d) => d.path)).toEqual(['/total']);
      expect(ex.sides.shadow!.body.value.total).toBe(ex.sides.primary!.body.value.total + 1);
      expect(ex.sides.shadow!.tapId).toBe('it-shadow');
    } finally {
      await c.close();
    }
  });

  it('gates: fail on the drifting route, pass on the clean one, not enough evidence below min pairs', async () => {
    const data = new ConsoleData(samples);
    const now = Date.now();
    const base = { service: 'shop', windowMs: 900_000, now };
    const drift = await runGate(data, {
      ...base,
      route: 'GET /orders/{id}',
      maxDiffRate: 0.005,
      minPairs: 100,
    });
    expect(drift.verdict).toBe('fail');
    expect(drift.exitCode).toBe(1);
    expect(drift.totals.compared).toBe(ORDERS);
    const clean = await runGate(data, {
      ...base,
      route: 'GET /users/{id}',
      maxDiffRate: 0.005,
      minPairs: 40,
    });
    expect(clean.verdict).toBe('pass');
    expect(clean.exitCode).toBe(0);
    const thin = await runGate(data, {
      ...base,
      route: 'GET /users/{id}',
      maxDiffRate: 0.005,
      minPairs: 500,
    });
    expect(thin.exitCode).toBe(2);
    const slow = await runGate(data, {
      ...base,
      route: 'GET /users/{id}',
      maxDiffRate: 0.005,
      minPairs: 40,
      maxP99Ratio: 1.2,
    });
    expect(slow.verdict).toBe('pass');
    const ordersLatency = await runGate(data, {
      ...base,
      route: 'GET /orders/{id}',
      maxDiffRate: 0.5,
      minPairs: 100,
      maxP99Ratio: 1.2,
    });
    expect(ordersLatency.checks.find((c) => c.name === 'p99-ratio')?.status).toBe('fail');
    const all = await runGate(data, { ...base, maxDiffRate: 0.005, minPairs: 100 });
    expect(all.totals.compared).toBe(ORDERS + USERS);
    expect(all.worst[0]?.route).toBe('GET /orders/{id}');
    const none = await runGate(data, {
      ...base,
      route: 'GET /nope',
      maxDiffRate: 0.005,
      minPairs: 1,
    });
    expect(none.exitCode).toBe(2);
    expect(none.reasons.at(-1)).toMatch(
      /^no data for route 'GET \/nope' in the window \(routes with data: /,
    );
  });

  it('builds the evidence package from Redis, never-mirrored routes included', async () => {
    const now = Date.now();
    const report = await buildEvidence(
      new ConsoleData(samples),
      config,
      { from: now - 3_600_000, to: now },
      now,
    );
    expect(report.owner).toBe('team-it');
    expect(report.totals.compared).toBe(ORDERS + USERS);
    expect(report.routes[0]).toMatchObject({ route: 'GET /orders/{id}', diffRate: 0.25 });
    expect(report.coverage.routesNeverMirrored).toEqual([
      {
        service: 'shop',
        route: 'GET /legacy/{id}',
        primarySeen: ORPHANS,
        reasons: { 'no shadow half': ORPHANS },
      },
    ]);
    expect(report.topFields[0]).toMatchObject({ path: '/total', diffs: ORDERS / 4 });
    expect(report.topFields[0]!.example?.shadow).toBe(
      (report.topFields[0]!.example?.primary as number) + 1,
    );
    expect(report.source.taps.map((t) => t.tapId).sort()).toEqual(['it-primary', 'it-shadow']);
    expect(renderMarkdown(report)).toContain('| GET /legacy/{id} | 6 | no shadow half 6 |');
  });
});
