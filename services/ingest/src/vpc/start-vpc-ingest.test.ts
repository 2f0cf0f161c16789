import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { metrics } from '@opentelemetry/api';
import { decodeTapRecord, validateConfig } from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { Conversation } from './conversation.test-kit.js';
import { startVpcIngest } from './start-vpc-ingest.js';
import type { VpcIngestHandle } from './start-vpc-ingest.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const gz = gzipSync(Buffer.from('{"items":[1,2,3]}'.repeat(50)));

function collector() {
  const records: TapRecord[] = [];
  const publisher: RecordPublisher = {
    async publish(messages: OutboundMessage[]) {
      for (const m of messages) {
        const d = decodeTapRecord(m.value);
        if (d.ok) records.push(d.value);
      }
    },
    async close() {},
  };
  return { records, publisher };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`gave up waiting for ${what}`);
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function shadowServer(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(
      `${req.method} ${req.url} ${req.headers['x-shadow-request']} ${req.headers.traceparent ?? ''}`,
    );
    if (req.url === '/gz') res.writeHead(200, { 'content-encoding': 'gzip' }).end(gz);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('shadow says hi');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function start(
  shadow: string,
  publisher: RecordPublisher,
  vpc: Record<string, unknown> = {},
): Promise<VpcIngestHandle> {
  const config = validateConfig({
    service: 'orders',
    vpc: { listen: '127.0.0.1:0', adminListen: '127.0.0.1:0', shadow, ...vpc },
    tap: { selfCheck: { enabled: false } },
  });
  const ingest = await startVpcIngest({
    config,
    publisher,
    meter: metrics.getMeter('test'),
    tapId: 'vpc-test',
    log: () => {},
  });
  cleanup.push(() => ingest.close());
  return ingest;
}

async function send(port: number, datagrams: Uint8Array[]): Promise<void> {
  const socket = createSocket('udp4');
  for (const d of datagrams)
    await new Promise<void>((r) => socket.send(d, port, '127.0.0.1', () => r()));
  socket.close();
}

describe('startVpcIngest', () => {
  it('records the exchanges it reassembles as primary and replays safe ones to the shadow', async () => {
    const shadow = await shadowServer();
    const { records, publisher } = collector();
    const ingest = await start(shadow.url, publisher, { serverPorts: [8080], vnis: [7] });
    const c = new Conversation({ mss: 300 });
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const datagrams = c.exchanges([
      [
        `GET /orders/1 HTTP/1.1\r\nHost: a\r\ntraceparent: ${tp}\r\n\r\n`,
        `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n${gz.toString('latin1')}`,
      ],
      [
        'POST /orders HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}',
        'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n',
      ],
      [
        'GET /gz HTTP/1.1\r\n\r\n',
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      ],
    ]);
    await send(ingest.port, datagrams);
    // As a mirror tap: the POST is not a safe method, so it is neither replayed nor recorded (the
    // skip census counts it); each GET gives a primary and a shadow record.
    await until(() => records.length >= 4, 'four records');
    const primary = records.filter((r) => r.role === 'primary');
    expect(
      primary.map((r) => `${r.request.method} ${r.request.url} ${r.response?.status}`),
    ).toEqual(['GET /orders/1 200', 'GET /gz 200']);
    expect(primary[0]!.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(sha(primary[0]!.response!.body)).toBe(sha(gz));
    expect(primary[0]!.response!.contentEncoding).toBe('gzip');
    expect(Buffer.from(primary[1]!.response!.body).toString()).toBe('hello');
    expect(primary[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(primary.every((r) => r.service === 'orders' && r.tapId === 'vpc-test')).toBe(true);
    const shadowRecords = records.filter((r) => r.role === 'shadow');
    expect(shadowRecords.map((r) => r.request.url).sort()).toEqual(['/gz', '/orders/1']);
    const gzShadow = shadowRecords.find((r) => r.request.url === '/gz')!;
    expect(gzShadow.traceId).toBe(primary[1]!.traceId);
    expect(sha(gzShadow.response!.body)).toBe(sha(gz));
    // The shadow got the trace id the primary record carries, and the marker header.
    expect(shadow.seen).toContain(`GET /orders/1 1 ${tp}`);
    expect(shadow.seen.find((s) => s.startsWith('GET /gz 1 00-'))).toContain(primary[1]!.traceId);
    expect(ingest.stats().records).toEqual({ recorded: 3, requestIncomplete: 0 });
  });

  it('records an exchange cut by packet_length as truncated with the reason, never a body to judge', async () => {
    const shadow = await shadowServer();
    const { records, publisher } = collector();
    const ingest = await start(shadow.url, publisher);
    const c = new Conversation({ packetLength: 14 + 20 + 20 + 60 });
    const body = 'y'.repeat(500);
    await send(
      ingest.port,
      c.exchanges([
        [
          'GET /t HTTP/1.1\r\n\r\n',
          `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        ],
      ]),
    );
    await until(() => records.length >= 2, 'two records');
    const primary = records.find((r) => r.role === 'primary')!;
    expect(primary.response).toMatchObject({ status: 200, bodySize: 500, bodyTruncated: true });
    expect(primary.meta?.incomplete).toBe('truncated');
    const stats = (await (await fetch(`${ingest.adminUrl}/stats`)).json()) as {
      vpc: { exchanges: { truncated: number } };
    };
    expect(stats.vpc.exchanges.truncated).toBe(1);
    expect((await fetch(`${ingest.adminUrl}/readyz`)).status).toBe(200);
  });
});
