import { PassThrough } from 'node:stream';
import { decodeTapRecord } from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import { describe, expect, it } from 'vitest';
import { PublishQueue } from '../publish/publish-queue.js';
import { GoReplayAdapter } from './goreplay-adapter.js';
import type { GoReplayAdapterOptions } from './goreplay-adapter.js';
import { encodeGoReplayLine } from './protocol.js';
import { runGoReplayMiddleware } from './run-middleware.js';

/** In-memory RecordPublisher: the transport is not under test, the adapter is. */
class MemoryPublisher implements RecordPublisher {
  readonly messages: OutboundMessage[] = [];
  publish(messages: OutboundMessage[]): Promise<void> {
    this.messages.push(...messages);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const T0 = 1_700_000_000_000_000_000n; // ns
const ms = (n: number) => BigInt(n) * 1_000_000n;
const req = (id: string, http: string, at = T0) =>
  encodeGoReplayLine(1, id, at, 0n, Buffer.from(http, 'latin1'));
const res = (type: 2 | 3, id: string, http: string | Buffer, at: bigint, latency?: bigint) =>
  encodeGoReplayLine(
    type,
    id,
    at,
    latency,
    typeof http === 'string' ? Buffer.from(http, 'latin1') : http,
  );

async function run(lines: string[], options: Partial<GoReplayAdapterOptions> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let echoed = '';
  output.on('data', (chunk: Buffer) => (echoed += chunk.toString('latin1')));
  const publisher = new MemoryPublisher();
  const queue = new PublishQueue(publisher);
  const adapter = new GoReplayAdapter({ service: 'orders', ...options });
  const logs: string[] = [];
  const done = runGoReplayMiddleware(
    { input, output, log: (l) => logs.push(l) },
    adapter,
    queue,
    'taps',
  );
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  await queue.close(1_000);
  const records = publisher.messages.map((m) => {
    const decoded = decodeTapRecord(m.value);
    if (!decoded.ok) throw decoded.error;
    expect(m.key).toBe(decoded.value.traceId);
    expect(m.topic).toBe('taps');
    return decoded.value;
  });
  return { echoed, records, stats: adapter.stats, adapter, logs };
}

const byRole = (records: TapRecord[], role: string) => records.find((r) => r.role === role)!;
const body = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('goreplay-middleware', () => {
  it('echoes every message unchanged and publishes original as primary, replayed as shadow', async () => {
    const lines = [
      req('a1', 'GET /orders/42?x=1 HTTP/1.1\r\nHost: shop\r\nX-Request-Id: r-1\r\n\r\n'),
      res(
        2,
        'a1',
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"id":42}',
        T0 + ms(12),
        ms(12),
      ),
      res(
        3,
        'a1',
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"id"\r\n5\r\n:"42"\r\n1\r\n}\r\n0\r\n\r\n',
        T0 + ms(500),
        ms(30),
      ),
    ];
    const { echoed, records, stats } = await run(lines);
    expect(echoed).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(records.map((r) => r.role).sort()).toEqual(['primary', 'shadow']);
    const primary = byRole(records, 'primary');
    const shadow = byRole(records, 'shadow');
    for (const r of [primary, shadow]) {
      expect(r).toMatchObject({
        traceId: 'a1',
        service: 'orders',
        tapId: 'goreplay',
        request: {
          method: 'GET',
          url: '/orders/42?x=1',
          headers: { host: 'shop', 'x-request-id': 'r-1' },
        },
        meta: { source: 'goreplay' },
      });
    }
    expect(primary.response).toMatchObject({ status: 200, bodySize: 9, bodyTruncated: false });
    expect(body(primary.response!.body)).toBe('{"id":42}');
    expect(primary.durationMs).toBe(12);
    expect(primary.capturedAt).toBe(1_700_000_000_000);
    expect(body(shadow.response!.body)).toBe('{"id":"42"}');
    expect(shadow.durationMs).toBe(30);
    expect(shadow.capturedAt).toBe(1_700_000_000_470);
    expect(stats).toMatchObject({
      messages: 3,
      requests: 1,
      records: { primary: 1, shadow: 1 },
      invalid: 0,
    });
  });

  it('pairs a response that arrives before its request', async () => {
    const { records, adapter } = await run([
      res(3, 'b1', 'HTTP/1.1 503 Unavailable\r\nContent-Length: 0\r\n\r\n', T0 + ms(5), ms(5)),
      req('b1', 'POST /pay HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc'),
      res(2, 'b1', 'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n', T0 + ms(7), ms(7)),
    ]);
    expect(records.map((r) => [r.role, r.response?.status])).toEqual([
      ['shadow', 503],
      ['primary', 201],
    ]);
    expect(body(records[0]!.request.body)).toBe('abc');
    // A completed trace leaves nothing behind.
    expect(adapter.pendingCount).toBe(0);
  });

  it('echoes garbage untouched, counts it and publishes nothing for it', async () => {
    const garbage = ['not hex at all', 'ABCDEF', res(2, 'c1', 'I am not HTTP\r\n\r\n', T0)];
    const lines = [...garbage, req('c1', 'GET / HTTP/1.1\r\n\r\n')];
    const { echoed, records, stats, logs } = await run(lines);
    expect(echoed).toBe(lines.map((l) => `${l}\n`).join(''));
    expect(records).toEqual([]);
    expect(stats.invalid).toBe(3);
    expect(logs.join('\n')).toMatch(/not hex-encoded/);
    expect(logs.join('\n')).toMatch(/primary response c1: bad status line/);
  });

  it('ignores a repeated response instead of publishing a second half', async () => {
    const r2 = res(2, 'd1', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', T0, ms(1));
    const { records, stats } = await run([req('d1', 'GET / HTTP/1.1\r\n\r\n'), r2, r2]);
    expect(records).toHaveLength(1);
    expect(stats.duplicates).toBe(1);
  });

  it('derives duration from timestamps when the header has no latency field', async () => {
    const { records } = await run([
      req('e1', 'GET / HTTP/1.1\r\n\r\n', T0),
      res(2, 'e1', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', T0 + ms(40)),
    ]);
    expect(records[0]).toMatchObject({ durationMs: 40, capturedAt: 1_700_000_000_000 });
  });

  it('caps bodies at maxBodyBytes and flags them', async () => {
    const big = 'x'.repeat(100);
    const { records } = await run(
      [
        req('f1', 'GET / HTTP/1.1\r\n\r\n'),
        res(2, 'f1', `HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${big}`, T0, ms(1)),
      ],
      { maxBodyBytes: 10 },
    );
    expect(records[0]!.response).toMatchObject({ bodySize: 100, bodyTruncated: true });
    expect(records[0]!.response!.body).toHaveLength(10);
  });

  it('forgets responses whose request never comes: bounded by count and by message time', async () => {
    const early = [1, 2, 3].map((i) => res(2, `g${i}`, 'HTTP/1.1 200 OK\r\n\r\n', T0, ms(1)));
    const byCount = await run(early, { maxPending: 2 });
    expect(byCount.stats.unmatchedResponses).toBe(1);
    expect(byCount.adapter.pendingCount).toBe(2);

    const byTime = await run([...early, req('late', 'GET / HTTP/1.1\r\n\r\n', T0 + ms(61_000))], {
      pendingTtlMs: 60_000,
    });
    expect(byTime.stats.unmatchedResponses).toBe(3);
    expect(byTime.adapter.pendingCount).toBe(1);
  });

  it('applies the redaction hook before a record leaves', async () => {
    const { records } = await run(
      [
        req('h1', 'GET / HTTP/1.1\r\nAuthorization: Bearer secret\r\n\r\n'),
        res(2, 'h1', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', T0, ms(1)),
      ],
      {
        redact: (r) => ({
          ...r,
          request: { ...r.request, headers: { ...r.request.headers, authorization: 'redacted' } },
        }),
      },
    );
    expect(records[0]!.request.headers.authorization).toBe('redacted');
  });
});
