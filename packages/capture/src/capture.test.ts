import * as http from 'node:http';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createCapture } from './capture.js';
import type { Capture } from './capture.js';
import {
  MemoryPublisher,
  captureConfig,
  fetchRaw,
  listen,
  stableHeaders,
  tapRecords,
  traceparent,
} from './capture.test-kit.js';
import type { Listening } from './capture.test-kit.js';

const JSON_BODY = JSON.stringify({ id: 7, items: Array.from({ length: 40 }, (_, i) => ({ i })) });
const PARTS = ['{"part":1,', '"part2":"', 'x'.repeat(3000), '"}'];
const GZIPPED = gzipSync(Buffer.from(JSON_BODY));

/** The three answers every framework gives: fixed length, chunked in parts, gzip. */
type App = (withCapture: Capture | undefined) => Promise<Listening>;

const nodeApp: App = async (c) => {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (req.url === '/json') {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': JSON_BODY.length,
      });
      res.end(JSON_BODY);
    } else if (req.url === '/chunked') {
      res.setHeader('content-type', 'application/json');
      for (const p of PARTS.slice(0, -1)) res.write(p);
      res.end(PARTS.at(-1));
    } else {
      res.writeHead(200, [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ]);
      res.write(GZIPPED.subarray(0, 10));
      res.end(GZIPPED.subarray(10));
    }
  };
  return listen(http.createServer(c ? c.handler(handler) : handler));
};

const expressApp: App = async (c) => {
  const app = express();
  app.get('/json', (_req, res) => {
    res.type('application/json').send(JSON_BODY);
  });
  app.get('/chunked', (_req, res) => {
    res.type('application/json');
    Readable.from(PARTS).pipe(res);
  });
  app.get('/gzip', (_req, res) => {
    res.set({ 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.append('Set-Cookie', ['a=1', 'b=2']);
    res.end(GZIPPED);
  });
  return listen(http.createServer(c ? c.handler(app) : app));
};

const fastifyApp: App = async (c) => {
  const app = Fastify();
  if (c) c.attach(app.server);
  app.get('/json', (_req, reply) => reply.type('application/json').send(JSON_BODY));
  app.get('/chunked', (_req, reply) => reply.type('application/json').send(Readable.from(PARTS)));
  app.get('/gzip', (_req, reply) =>
    reply
      .headers({ 'content-type': 'application/json', 'content-encoding': 'gzip' })
      .header('set-cookie', ['a=1', 'b=2'])
      .send(GZIPPED),
  );
  await app.ready();
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    server: app.server,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
};

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function started(app: App, c: Capture | undefined): Promise<Listening> {
  const l = await app(c);
  open.push(l);
  return l;
}

function newCapture(publisher = new MemoryPublisher()): { c: Capture; publisher: MemoryPublisher } {
  const c = createCapture({ config: captureConfig(), publisher, log: () => {} });
  open.push({ close: () => c.close(1_000) });
  return { c, publisher };
}

describe.each([
  ['node:http', nodeApp],
  ['express', expressApp],
  ['fastify', fastifyApp],
] as const)('capture in %s', (_name, app) => {
  it('changes no byte of the answer (fixed length, chunked, gzip) and records what was sent', async () => {
    const bare = await started(app, undefined);
    const { c, publisher } = newCapture();
    const captured = await started(app, c);
    for (const [i, path] of ['/json', '/chunked', '/gzip'].entries()) {
      const headers = { traceparent: traceparent(i + 1), authorization: 'Bearer s3cret' };
      const want = await fetchRaw(bare.url + path, { headers });
      const got = await fetchRaw(captured.url + path, { headers });
      expect(got.status).toBe(want.status);
      expect(stableHeaders(got.rawHeaders)).toEqual(stableHeaders(want.rawHeaders));
      expect(got.sha256).toBe(want.sha256);
    }
    await c.close(2_000);
    const records = tapRecords(publisher);
    expect(records.map((r) => r.request.url)).toEqual(['/json', '/chunked', '/gzip']);
    const [json, chunked, gzip] = records;
    expect(json?.role).toBe('primary');
    expect(json?.traceId).toBe(traceparent(1).split('-')[1]);
    expect(Buffer.from(json?.response?.body ?? []).toString()).toBe(JSON_BODY);
    expect(json?.request.headers.authorization).toMatch(/^Bearer redacted:/);
    expect(Buffer.from(chunked?.response?.body ?? []).toString()).toBe(PARTS.join(''));
    expect(chunked?.response?.headers['transfer-encoding']).toBe('chunked');
    expect(gzip?.response?.contentEncoding).toBe('gzip');
    expect(gunzipSync(gzip?.response?.body ?? new Uint8Array()).toString()).toBe(JSON_BODY);
    expect(gzip?.response?.headers['set-cookie']).toMatch(/^a=redacted:.*\nb=redacted:/);
    expect(c.stats().internalErrors).toBe(0);
  });
});

describe('capture when the publisher fails', () => {
  it('a publisher that throws, or rejects, leaves every answer correct', async () => {
    const bare = await started(nodeApp, undefined);
    const throwing = new MemoryPublisher();
    throwing.publish = () => {
      throw new Error('publisher exploded');
    };
    const rejecting = new MemoryPublisher();
    rejecting.publish = () => Promise.reject(new Error('broker says no'));
    for (const publisher of [throwing, rejecting]) {
      const { c } = newCapture(publisher);
      const l = await started(nodeApp, c);
      const want = await fetchRaw(`${bare.url}/gzip`);
      for (let i = 0; i < 20; i++) {
        const got = await fetchRaw(`${l.url}/gzip`, { headers: { traceparent: traceparent(i) } });
        expect([got.status, got.sha256]).toEqual([want.status, want.sha256]);
      }
      // Give the buffer's publish loop a few turns: a throw there must not reach the process.
      await new Promise((r) => setTimeout(r, 100));
      expect(c.stats().buffer.lastError).toMatch(/exploded|says no/);
    }
  });

  it('a full buffer drops and counts; the service answers on', async () => {
    const never = new MemoryPublisher();
    never.publish = () => new Promise(() => {});
    const c = createCapture({
      config: captureConfig({ buffer: { maxRecords: 3, lingerMs: 5 } }),
      publisher: never,
      log: () => {},
    });
    open.push({ close: () => c.close(50) });
    const l = await started(nodeApp, c);
    for (let i = 0; i < 10; i++) {
      const got = await fetchRaw(`${l.url}/json`, { headers: { traceparent: traceparent(i) } });
      expect(got.body.toString()).toBe(JSON_BODY);
    }
    // The budget (3) counts the batch stuck in flight too, which `records` (the queue) does not:
    // 3 when the first batch left empty-handed, fewer when it took one or two of the 10.
    const { records } = c.stats().buffer;
    expect(records).toBeGreaterThan(0);
    expect(records).toBeLessThanOrEqual(3);
  });
});
