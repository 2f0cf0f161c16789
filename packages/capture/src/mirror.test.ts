import * as http from 'node:http';
import { readTraceRoles } from '@shadowdiff/contracts';
import { deadPort, waitFor } from '@shadowdiff/testkit';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createCapture } from './capture.js';
import type { Capture } from './capture.js';
import {
  MemoryPublisher,
  captureConfig,
  fetchRaw,
  listen,
  shadowServer,
  tapRecords,
  traceparent,
} from './capture.test-kit.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

const ANSWER = JSON.stringify({ id: 1, name: 'primary' });

/** An Express service with a read and a write route, captured with `tap` settings. */
async function service(
  shadowUrl: string,
  tap: Record<string, unknown> = {},
  secondary?: (url: string) => string,
): Promise<{ url: string; c: Capture; publisher: MemoryPublisher; posted: unknown[] }> {
  const posted: unknown[] = [];
  const app = express();
  app.use(express.json());
  app.get('/items/:id', (_req, res) => {
    res.type('application/json').send(ANSWER);
  });
  app.post('/orders', (req, res) => {
    posted.push(req.body);
    res.status(201).json({ ok: true });
  });
  const server = http.createServer();
  const l = await listen(server);
  const publisher = new MemoryPublisher();
  const c = createCapture({
    config: captureConfig(tap),
    publisher,
    shadow: shadowUrl,
    ...(secondary ? { secondary: secondary(l.url) } : {}),
    log: () => {},
  });
  server.on('request', c.handler(app));
  open.push(l, { close: () => c.close(2_000) });
  return { url: l.url, c, publisher, posted };
}

describe('mirror from inside', () => {
  it('copies a GET to the shadow after answering, and records both halves as a pair', async () => {
    const shadow = await shadowServer('{"id":1,"name":"shadow"}');
    open.push(shadow);
    const { url, c, publisher } = await service(shadow.url);
    const got = await fetchRaw(`${url}/items/1?x=2`, { headers: { traceparent: traceparent(9) } });
    expect(got.body.toString()).toBe(ANSWER);
    await waitFor('both halves', () => tapRecords(publisher).length === 2);
    expect(shadow.seen).toHaveLength(1);
    expect(shadow.seen[0]?.url).toBe('/items/1?x=2');
    expect(shadow.seen[0]?.headers['x-shadow-request']).toBe('1');
    expect(shadow.seen[0]?.headers.traceparent).toBe(traceparent(9));
    const records = tapRecords(publisher);
    expect(records.map((r) => r.role).sort()).toEqual(['primary', 'shadow']);
    for (const r of records) {
      expect(r.traceId).toBe(traceparent(9).split('-')[1]);
      expect(r.meta?.mode).toBe('mirror');
      expect(readTraceRoles(r)).toEqual(['primary', 'shadow']);
    }
    const shadowHalf = records.find((r) => r.role === 'shadow');
    expect(Buffer.from(shadowHalf?.response?.body ?? []).toString()).toBe(
      '{"id":1,"name":"shadow"}',
    );
    expect(c.stats().internalErrors).toBe(0);
  });

  it('gives a request without a trace id a traceparent the shadow gets too', async () => {
    const shadow = await shadowServer();
    open.push(shadow);
    const { url, publisher } = await service(shadow.url);
    await fetchRaw(`${url}/items/2`);
    await waitFor('both halves', () => tapRecords(publisher).length === 2);
    const [a, b] = tapRecords(publisher);
    expect(a?.traceId).toBe(b?.traceId);
    expect(a?.meta?.traceSource).toBe('generated');
    expect(shadow.seen[0]?.headers.traceparent).toContain(a?.traceId);
  });

  it('never mirrors (or records) a POST; the service still reads the whole body', async () => {
    const shadow = await shadowServer();
    open.push(shadow);
    const { url, c, publisher, posted } = await service(shadow.url);
    const got = await fetchRaw(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: traceparent(3) },
      body: JSON.stringify({ sku: 'a', n: 2 }),
    });
    expect(got.status).toBe(201);
    expect(posted).toEqual([{ sku: 'a', n: 2 }]);
    await c.close(1_000);
    expect(shadow.seen).toHaveLength(0);
    expect(tapRecords(publisher)).toHaveLength(0);
  });

  it('records a write route it is told to mirror, body and all', async () => {
    const shadow = await shadowServer();
    open.push(shadow);
    const { url, publisher, posted } = await service(shadow.url, {
      mirror: { writeRoutes: ['POST /orders'] },
    });
    const body = JSON.stringify({ sku: 'b', n: 1 });
    await fetchRaw(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: traceparent(4) },
      body,
    });
    await waitFor('both halves', () => tapRecords(publisher).length === 2);
    expect(posted).toEqual([{ sku: 'b', n: 1 }]);
    for (const r of tapRecords(publisher))
      expect(Buffer.from(r.request.body).toString()).toBe(body);
  });

  it('answers the same with the shadow down, and pauses mirroring after refusals', async () => {
    const { url, c, publisher } = await service(`http://127.0.0.1:${await deadPort()}`, {
      mirror: { downAfterRefusals: 2 },
    });
    for (let i = 0; i < 6; i++) {
      const got = await fetchRaw(`${url}/items/${i}`, { headers: { traceparent: traceparent(i) } });
      expect(got.body.toString()).toBe(ANSWER);
    }
    await waitFor('the copies ended', () => c.stats().shadowInFlight === 0);
    await c.close(1_000);
    const shadowHalves = tapRecords(publisher).filter((r) => r.role === 'shadow');
    expect(shadowHalves.length).toBeGreaterThan(0);
    expect(shadowHalves.every((r) => r.error?.kind === 'refused')).toBe(true);
    expect(shadowHalves.length).toBeLessThan(6);
  });

  it('self-checks against the service itself without recording or mirroring its own copies', async () => {
    const shadow = await shadowServer();
    open.push(shadow);
    const { url, publisher } = await service(
      shadow.url,
      { selfCheck: { enabled: true, firstPerRoute: 1, percent: 0 } },
      (own) => own,
    );
    await fetchRaw(`${url}/items/5`, { headers: { traceparent: traceparent(5) } });
    await waitFor('three halves', () => tapRecords(publisher).length === 3);
    const records = tapRecords(publisher);
    expect(records.map((r) => r.role).sort()).toEqual(['primary', 'secondary', 'shadow']);
    expect(
      Buffer.from(records.find((r) => r.role === 'secondary')?.response?.body ?? []).toString(),
    ).toBe(ANSWER);
    // The copy reached the service marked; it was neither recorded again nor sent to the shadow.
    await new Promise((r) => setTimeout(r, 100));
    expect(tapRecords(publisher)).toHaveLength(3);
    expect(shadow.seen).toHaveLength(1);
  });
});
