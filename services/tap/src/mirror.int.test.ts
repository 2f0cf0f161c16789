import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCensus } from '@shadowdiff/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { byTrace, kafkaTap, newTopic, readRecords } from './kafka-harness.test-kit.js';
import type { KafkaTap } from './kafka-harness.test-kit.js';
import { isSampled, traceIdFromTraceparent } from '@shadowdiff/source';
import { endToEnd, fetchRaw, startServer } from './test-harness.test-kit.js';
import type { TestServer } from './test-harness.test-kit.js';

const ORDER = Buffer.from(
  JSON.stringify({
    id: 42,
    total: 99.5,
    lines: Array.from({ length: 30 }, (_, i) => ({ sku: `s${i}` })),
  }),
);
const BIG = Buffer.alloc(5_000, 'abcdefghij');

function service(name: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.sendDate = false;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': name });
      res.write('part-1;');
      setTimeout(() => res.end('part-2'), 3);
    } else if (path === '/gzip') {
      const gz = gzipSync(ORDER);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': gz.length,
      });
      res.end(gz);
    } else if (path === '/big') {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': BIG.length,
      });
      res.end(BIG);
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'x-served-by': name });
      res.end(ORDER);
    }
  };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  const steps = cleanup.reverse();
  cleanup = [];
  for (const c of steps) await c();
});

async function services(): Promise<{ primary: TestServer; shadow: TestServer }> {
  const primary = await startServer(service('primary'));
  const shadow = await startServer(service('shadow'));
  cleanup.push(
    () => primary.close(),
    () => shadow.close(),
  );
  return { primary, shadow };
}

async function mirror(
  primary: TestServer,
  shadow: TestServer,
  tap: Record<string, unknown> = {},
  topic?: string,
): Promise<KafkaTap> {
  const t = await kafkaTap({
    tap: { mode: 'mirror', primary: primary.url, shadow: shadow.url, ...tap },
    ...(topic ? { topic } : {}),
  });
  cleanup.push(async () => {
    await t.drain();
    await t.metrics.shutdown();
  });
  return t;
}

describe('mirror tap on real Kafka', () => {
  it('publishes both halves of a mirrored request under one trace id, creating a traceparent when none came', async () => {
    const { primary, shadow } = await services();
    const t = await mirror(primary, shadow);
    const clientTrace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await fetchRaw(`${t.tap.url}/orders/1`, { headers: { traceparent: clientTrace } });
    await fetchRaw(`${t.tap.url}/orders/2`, { headers: { 'x-request-id': 'req-abc' } });
    await fetchRaw(`${t.tap.url}/orders/3`);
    await t.drain();
    expect(await t.metrics.value('shadow.tap.records', { outcome: 'published' })).toBe(6);

    const groups = byTrace(await readRecords(t.topic, 6));
    expect(groups.size).toBe(3);
    for (const group of groups.values()) {
      const p = group.get('test-tap/primary');
      const s = group.get('test-tap/shadow');
      expect(p && s).toBeTruthy();
      // Same key on both, so both halves land on one partition for the worker to align.
      expect(p?.message.key).toBe(p?.record.traceId);
      expect(s?.message.partition).toBe(p?.message.partition);
      expect(p?.record.response?.headers['x-served-by']).toBe('primary');
      expect(s?.record.response?.headers['x-served-by']).toBe('shadow');
    }
    expect(groups.has('0af7651916cd43dd8448eb211c80319c')).toBe(true);
    expect(groups.has('req-abc')).toBe(true);

    // The request without an id: both upstreams got the same, new traceparent, and it keys the pair.
    const p3 = primary.seen.find((r) => r.url === '/orders/3');
    const s3 = shadow.seen.find((r) => r.url === '/orders/3');
    expect(p3?.headers.traceparent).toBeDefined();
    expect(s3?.headers.traceparent).toBe(p3?.headers.traceparent);
    const generated = traceIdFromTraceparent(p3?.headers.traceparent as string) as string;
    expect(groups.get(generated)?.get('test-tap/primary')?.record.meta?.traceSource).toBe(
      'generated',
    );
    // Only the shadow is told it is one.
    expect(shadow.seen.every((r) => r.headers['x-shadow-request'] === '1')).toBe(true);
    expect(primary.seen.some((r) => 'x-shadow-request' in r.headers)).toBe(false);
  });

  it("self-check: a route's first request publishes three halves under one key and partition, saying so in meta.roles", async () => {
    const { primary, shadow } = await services();
    const t = await mirror(primary, shadow, { selfCheck: { firstPerRoute: 1, percent: 0 } });
    await fetchRaw(`${t.tap.url}/orders/1`);
    await fetchRaw(`${t.tap.url}/orders/2`);
    await t.drain();
    expect(await t.metrics.value('shadow.tap.records', { outcome: 'published' })).toBe(5);
    const groups = byTrace(await readRecords(t.topic, 5));
    expect(groups.size).toBe(2);
    const [first, second] = [...groups.values()].sort((a, b) => b.size - a.size);
    const p = first!.get('test-tap/primary');
    const c = first!.get('test-tap/secondary');
    expect(c?.message.key).toBe(p?.record.traceId);
    expect(c?.message.partition).toBe(p?.message.partition);
    expect(c?.record.response?.headers['x-served-by']).toBe('primary');
    for (const r of first!.values()) expect(r.record.meta?.roles).toBe('primary,shadow,secondary');
    for (const r of second!.values()) expect(r.record.meta?.roles).toBe('primary,shadow');
    // The primary was asked twice for /orders/1 only, the copy marked like the shadow's.
    expect(primary.seen.map((r) => [r.url, r.headers['x-shadow-request'] ?? null])).toEqual([
      ['/orders/1', null],
      ['/orders/1', '1'],
      ['/orders/2', null],
    ]);
  });

  it('delivers the primary bytes unchanged (chunked and gzip) and records gzip bodies decodable', async () => {
    const { primary, shadow } = await services();
    const t = await mirror(primary, shadow);
    for (const path of ['/chunked', '/gzip', '/orders/7']) {
      const direct = await fetchRaw(primary.url + path);
      const tapped = await fetchRaw(t.tap.url + path);
      expect(tapped.sha256).toBe(direct.sha256);
      expect(tapped.status).toBe(direct.status);
      expect(endToEnd(tapped.rawHeaders)).toEqual(endToEnd(direct.rawHeaders));
    }
    await t.drain();
    const records = (await readRecords(t.topic, 6)).map((r) => r.record);
    const gz = records.filter((r) => r.request.url === '/gzip');
    expect(gz).toHaveLength(2);
    for (const r of gz) {
      expect(r.response?.contentEncoding).toBe('gzip');
      expect(gunzipSync(r.response?.body as Uint8Array).equals(ORDER)).toBe(true);
    }
    const chunked = records.find((r) => r.request.url === '/chunked' && r.role === 'primary');
    expect(chunked?.response?.headers['transfer-encoding']).toBe('chunked');
    expect(Buffer.from(chunked?.response?.body ?? []).toString()).toBe('part-1;part-2');
  });

  it('does not mirror (or record) a POST by default', async () => {
    const { primary, shadow } = await services();
    const t = await mirror(primary, shadow);
    const post = await fetchRaw(`${t.tap.url}/orders`, {
      method: 'POST',
      body: '{"qty":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(post.status).toBe(200);
    expect(primary.seen.map((r) => [r.method, r.body.toString()])).toEqual([['POST', '{"qty":1}']]);
    await fetchRaw(`${t.tap.url}/orders/5`);
    await t.drain();
    expect(shadow.seen.map((r) => r.method)).toEqual(['GET']);
    expect(await t.metrics.value('shadow.tap.mirror.skipped', { reason: 'method' })).toBe(1);
    // The pair for the GET, plus the census record that counts the skipped POST (no request data).
    expect(await t.metrics.value('shadow.tap.records', { outcome: 'published' })).toBe(3);
    const records = await readRecords(t.topic, 3);
    const exchanges = records.filter((r) => readCensus(r.record) === undefined);
    expect(exchanges.map((r) => r.record.request.method)).toEqual(['GET', 'GET']);
    const census = records.map((r) => readCensus(r.record)).filter((c) => c !== undefined);
    expect(census).toHaveLength(1);
    expect(census[0]).toMatchObject({ method: 'POST', reason: 'method', count: 1 });
  });

  it('samples the same requests on two independent tap instances', async () => {
    const { primary, shadow } = await services();
    const topic = await newTopic();
    const a = await mirror(primary, shadow, { tapId: 'tap-a', mirror: { percent: 30 } }, topic);
    const b = await mirror(primary, shadow, { tapId: 'tap-b', mirror: { percent: 30 } }, topic);
    const ids = Array.from({ length: 40 }, (_, i) =>
      createHash('sha1').update(String(i)).digest('hex').slice(0, 32),
    );
    for (const id of ids) {
      const headers = { traceparent: `00-${id}-00f067aa0ba902b7-01` };
      expect((await fetchRaw(`${a.tap.url}/o`, { headers })).status).toBe(200);
      expect((await fetchRaw(`${b.tap.url}/o`, { headers })).status).toBe(200);
    }
    await a.drain();
    await b.drain();
    const expected = ids.filter((id) => isSampled(id, 30)).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(ids.length);
    // Each tap also publishes one census record counting what it sampled out.
    const all = await readRecords(topic, expected.length * 4 + 2);
    const records = all.filter((r) => readCensus(r.record) === undefined);
    expect(records).toHaveLength(expected.length * 4);
    const fromTap = (tapId: string) =>
      [
        ...new Set(records.filter((r) => r.record.tapId === tapId).map((r) => r.record.traceId)),
      ].sort();
    expect(fromTap('tap-a')).toEqual(expected);
    expect(fromTap('tap-b')).toEqual(expected);
    expect(await a.metrics.value('shadow.tap.mirror.skipped', { reason: 'sampled_out' })).toBe(
      ids.length - expected.length,
    );
  });

  it('truncates a body over the capture cap in the record, never in the response', async () => {
    const { primary, shadow } = await services();
    const t = await mirror(primary, shadow, { captureBodyBytes: 1_000 });
    const res = await fetchRaw(`${t.tap.url}/big`);
    expect(res.body.equals(BIG)).toBe(true);
    await t.drain();
    const records = await readRecords(t.topic, 2);
    for (const { record } of records) {
      expect(record.response?.bodyTruncated).toBe(true);
      expect(record.response?.bodySize).toBe(5_000);
      expect(Buffer.from(record.response?.body ?? []).equals(BIG.subarray(0, 1_000))).toBe(true);
    }
  });
});
