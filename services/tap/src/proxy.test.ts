import { gunzipSync, gzipSync } from 'node:zlib';
import * as http from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { ConfigError, decodeTapRecord } from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { startTap } from './start-tap.js';
import type { TapHandle } from './start-tap.js';
import {
  MemoryPublisher,
  deadPort,
  endToEnd,
  fetchRaw,
  metricsHarness,
  startServer,
  tapConfig,
} from './test-harness.test-kit.js';
import type { MetricsHarness, TestServer } from './test-harness.test-kit.js';

const JSON_BODY = Buffer.from(
  JSON.stringify({ id: 42, items: Array.from({ length: 40 }, (_, i) => ({ i })) }),
);

const BIG = 32 * 1024 * 1024;
let bigPending = 0;

/** Deterministic answers (no Date header) so direct and tapped responses compare exactly. */
function upstreamHandler(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  res.sendDate = false;
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/fixed') {
    res.writeHead(200, 'Fine', [
      'Content-Type',
      'application/json',
      'X-Multi',
      'a',
      'x-multi',
      'b',
      'Set-Cookie',
      'sid=1; Path=/',
      'Content-Length',
      String(JSON_BODY.length),
    ]);
    res.end(JSON_BODY);
  } else if (path === '/chunked') {
    res.writeHead(201, [
      'Content-Type',
      'text/plain',
      'Trailer',
      'X-Sum',
      'Transfer-Encoding',
      'chunked',
    ]);
    res.write('first,');
    setTimeout(() => {
      res.write('second,');
      res.addTrailers({ 'X-Sum': 'abc' });
      res.end('third');
    }, 5);
  } else if (path === '/gzip') {
    const gz = gzipSync(JSON_BODY);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'content-length': gz.length,
    });
    res.end(gz);
  } else if (path === '/echo') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(body);
  } else if (path === '/slow') {
    setTimeout(() => res.end('late'), 500);
  } else if (path === '/dies') {
    // Promises 100 bytes, sends 10, then drops the connection.
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 100 });
    res.write('0123456789');
    setTimeout(() => res.socket?.destroy(), 20);
  } else if (path === '/close') {
    // An upstream that closes every connection after answering.
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end(`closing ${req.method}`);
  } else if (path === '/big') {
    const big = Buffer.alloc(BIG, 'x');
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': big.length });
    res.end(big);
    // Bytes the upstream still holds a while later: with back-pressure through the tap, most of them.
    setTimeout(() => (bigPending = res.writableLength), 150);
  } else {
    res.writeHead(404).end();
  }
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  const steps = cleanup.reverse();
  cleanup = [];
  for (const c of steps) await c();
});

async function sidecar(
  upstream: string,
  tap: Record<string, unknown> = {},
): Promise<{
  tap: TapHandle;
  publisher: MemoryPublisher;
  metrics: MetricsHarness;
  records: () => TapRecord[];
}> {
  const publisher = new MemoryPublisher();
  const metrics = metricsHarness();
  const handle = await startTap({
    config: tapConfig({ mode: 'sidecar', upstream, buffer: { lingerMs: 1 }, ...tap }),
    publisher,
    meter: metrics.meter,
    redactKey: Buffer.from('k'),
    log: () => {},
  });
  cleanup.push(async () => {
    await handle.close();
    await metrics.shutdown();
  });
  const records = (): TapRecord[] =>
    publisher.messages.map((m) => {
      const d = decodeTapRecord(m.value);
      if (!d.ok) throw d.error;
      return d.value;
    });
  return { tap: handle, publisher, metrics, records };
}

async function upstream(): Promise<TestServer> {
  const server = await startServer(upstreamHandler);
  cleanup.push(() => server.close());
  return server;
}

/** A mirror-mode tap over two fresh upstreams (`tap` adds to its tap.* settings). */
async function mirrorTap(tap: Record<string, unknown> = {}) {
  const up = await upstream();
  const shadowUp = await upstream();
  const handle = await sidecar(up.url, {
    mode: 'mirror',
    upstream: undefined,
    primary: up.url,
    shadow: shadowUp.url,
    ...tap,
  });
  return { up, shadowUp, ...handle };
}

describe('sidecar proxy', () => {
  it('passes status, headers, bytes, chunking and trailers through unchanged', async () => {
    const up = await upstream();
    const { tap, records } = await sidecar(up.url);
    for (const path of ['/fixed', '/chunked', '/gzip']) {
      const direct = await fetchRaw(up.url + path);
      const tapped = await fetchRaw(tap.url + path);
      expect(tapped.status).toBe(direct.status);
      expect(tapped.statusMessage).toBe(direct.statusMessage);
      expect(endToEnd(tapped.rawHeaders)).toEqual(endToEnd(direct.rawHeaders));
      expect(tapped.rawTrailers).toEqual(direct.rawTrailers);
      expect(tapped.sha256).toBe(direct.sha256);
    }
    await expect.poll(() => records().length).toBe(3);
    const [fixed, chunked, gzip] = records();
    expect(fixed?.response?.status).toBe(200);
    expect(fixed?.response?.headers['x-multi']).toBe('a, b');
    expect(Buffer.from(fixed?.response?.body ?? []).equals(JSON_BODY)).toBe(true);
    expect(Buffer.from(chunked?.response?.body ?? []).toString()).toBe('first,second,third');
    expect(gzip?.response?.contentEncoding).toBe('gzip');
    expect(gunzipSync(gzip?.response?.body ?? new Uint8Array()).equals(JSON_BODY)).toBe(true);
    expect(fixed?.role).toBe('primary');
    expect(fixed?.meta).toMatchObject({ mode: 'sidecar', traceSource: 'generated' });
  });

  it('keeps a redacted compressed body within the capture cap', async () => {
    const up = await upstream();
    const cap = 200;
    const { tap, records } = await sidecar(up.url, {
      captureBodyBytes: cap,
      redact: { jsonPaths: ['/id'] },
    });
    expect(gzipSync(JSON_BODY).length).toBeLessThan(cap); // captured whole, decoded it is larger
    const res = await fetchRaw(`${tap.url}/gzip`);
    expect(gunzipSync(res.body).equals(JSON_BODY)).toBe(true);
    await expect.poll(() => records().length).toBe(1);
    const response = records()[0]?.response;
    expect(records()[0]?.meta?.responseBodyRedaction).toBe('redacted');
    expect(response?.body?.byteLength).toBe(cap);
    expect(response?.bodyTruncated).toBe(true);
    expect(response?.bodySize).toBeGreaterThan(cap);
    expect(Buffer.from(response?.body ?? []).toString()).not.toContain('"id":42');
  });

  it('serves HTTP/1.0 clients without Host: the upstream gets one, the body comes unchunked', async () => {
    const up = await upstream();
    const { tap, records } = await sidecar(up.url);
    const { port } = new URL(tap.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket: Socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('end', () => resolve(text)); // HTTP/1.0: the tap closes after the response
      socket.on('error', reject);
      socket.write('GET /chunked HTTP/1.0\r\n\r\n');
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.[01] 201 /);
    expect(head).not.toMatch(/transfer-encoding/i);
    expect(body).toBe('first,second,third');
    expect(up.seen.at(-1)?.headers.host).toBe(new URL(up.url).host);
    await expect.poll(() => records().length).toBe(1);
    expect(Buffer.from(records()[0]?.response?.body ?? []).toString()).toBe('first,second,third');
  });

  it('answers HEAD without a body, and keeps working when the upstream closes every connection', async () => {
    const up = await upstream();
    const { tap, records } = await sidecar(up.url, { mirror: { methods: ['GET', 'HEAD'] } });
    const head = await fetchRaw(`${tap.url}/fixed`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(endToEnd(head.rawHeaders)).toContainEqual(['Content-Length', String(JSON_BODY.length)]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 5; i++) {
      const r = await fetchRaw(`${tap.url}/close`, { agent });
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe('closing GET');
    }
    agent.destroy();
    await expect.poll(() => records().length).toBe(6);
    expect(records().map((r) => r.response?.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(records().every((r) => r.error === undefined)).toBe(true);
  });

  it('keeps client connections alive across requests', async () => {
    const up = await upstream();
    const { tap } = await sidecar(up.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanup.push(async () => agent.destroy());
    await fetchRaw(`${tap.url}/fixed`, { agent });
    const second = await fetchRaw(`${tap.url}/fixed`, { agent });
    expect(second.reusedSocket).toBe(true);
  });

  it('streams request bodies (chunked included) to the upstream and records them', async () => {
    const up = await upstream();
    const { tap, records } = await sidecar(up.url, { mirror: { methods: ['POST'] } });
    const body = Buffer.alloc(200_000, 7);
    const res = await new Promise<Buffer>((resolve, reject) => {
      const req = http.request(`${tap.url}/echo`, { method: 'POST', agent: false });
      req.on('response', (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve(Buffer.concat(chunks)));
      });
      req.on('error', reject);
      req.write(body.subarray(0, 100_000));
      setTimeout(() => req.end(body.subarray(100_000)), 5);
    });
    expect(res.equals(body)).toBe(true);
    await expect.poll(() => records().length).toBe(1);
    expect(records()[0]?.request.bodySize).toBe(200_000);
    expect(Buffer.from(records()[0]?.request.body ?? []).equals(body)).toBe(true);
  });

  it('answers 502 for a refused upstream and 504 on timeout, and records the failure kind', async () => {
    const refused = await sidecar(`http://127.0.0.1:${await deadPort()}`);
    const r1 = await fetchRaw(`${refused.tap.url}/x`);
    expect(r1.status).toBe(502);
    await expect.poll(() => refused.records()[0]?.error?.kind).toBe('refused');
    expect(
      await refused.metrics.value('shadow.tap.upstream.errors', {
        role: 'primary',
        kind: 'refused',
      }),
    ).toBe(1);

    const up = await upstream();
    const slow = await sidecar(up.url, { upstreamTimeoutMs: 50 });
    const r2 = await fetchRaw(`${slow.tap.url}/slow`);
    expect(r2.status).toBe(504);
    await expect.poll(() => slow.records()[0]?.error?.kind).toBe('timeout');
  });

  it('breaks the client response when the upstream dies mid-body, and records a reset', async () => {
    const up = await upstream();
    const { tap, records, metrics } = await sidecar(up.url);
    // A short body must never pass for a whole one: the client sees its connection fail.
    await expect(fetchRaw(`${tap.url}/dies`)).rejects.toThrow();
    await expect.poll(() => records().length).toBe(1);
    const record = records()[0] as TapRecord;
    expect(record.response?.status).toBe(200);
    expect(Buffer.from(record.response?.body ?? []).toString()).toBe('0123456789');
    expect(record.error?.kind).toBe('reset');
    expect(
      await metrics.value('shadow.tap.upstream.errors', { role: 'primary', kind: 'reset' }),
    ).toBe(1);
  });

  it('answers Expect: 100-continue itself and sends the upstreams the whole body', async () => {
    // Mirror mode: the primary and the shadow both get the body, neither the Expect header.
    const { up, shadowUp, tap, records } = await mirrorTap({ mirror: { methods: ['POST'] } });
    const body = Buffer.from('{"a":1}');
    const res = await new Promise<Buffer>((resolve, reject) => {
      const req = http.request(`${tap.url}/echo`, {
        method: 'POST',
        agent: false,
        headers: { expect: '100-continue', 'content-length': body.length },
      });
      req.on('continue', () => req.end(body));
      req.on('response', (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve(Buffer.concat(chunks)));
      });
      req.on('error', reject);
    });
    expect(res.equals(body)).toBe(true);
    expect(up.seen.at(-1)?.headers.expect).toBeUndefined();
    await expect.poll(() => records().length).toBe(2);
    expect(shadowUp.seen.at(-1)?.body.equals(body)).toBe(true);
    expect(shadowUp.seen.at(-1)?.headers.expect).toBeUndefined();
    for (const record of records()) {
      expect(record.request.headers.expect).toBe('100-continue');
      expect(record.response?.status).toBe(200);
    }
  });

  it('mirrors the whole body when it arrives in the same packet as the head, and caps it', async () => {
    const { shadowUp, tap, records, metrics } = await mirrorTap({
      mirror: { methods: ['POST'], maxBodyBytes: 64 },
    });
    const { port } = new URL(tap.url);
    // One write per request, head and body together, as curl -d and most small clients send them.
    const onePacket = (request: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket: Socket = connect(Number(port), '127.0.0.1');
        let text = '';
        socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
        socket.write(request);
      });
    const sized = '{"order":42,"note":"one packet"}';
    const chunked = '{"order":43}';
    const large = 'x'.repeat(100);
    const head = (length: string) =>
      `POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n${length}\r\n\r\n`;
    const answers = [
      await onePacket(head(`Content-Length: ${sized.length}`) + sized),
      await onePacket(
        head('Transfer-Encoding: chunked') +
          `${chunked.length.toString(16)}\r\n${chunked}\r\n0\r\n\r\n`,
      ),
      // Over the mirror cap, and chunked: only the body itself can tell.
      await onePacket(
        head('Transfer-Encoding: chunked') +
          `${large.length.toString(16)}\r\n${large}\r\n0\r\n\r\n`,
      ),
    ];
    // The primary echoes each body back (chunked).
    for (const [i, body] of [sized, chunked, large].entries()) {
      expect(answers[i]).toMatch(/^HTTP\/1\.1 200 /);
      expect(answers[i]).toContain(`\r\n${body}\r\n`);
    }
    await expect.poll(() => records().length).toBe(4);
    expect(shadowUp.seen.map((s) => s.body.toString())).toEqual([sized, chunked]);
    expect(await metrics.value('shadow.tap.mirror.skipped', { reason: 'body_too_large' })).toBe(1);
    const shadowRecords = records().filter((r) => r.role === 'shadow');
    expect(shadowRecords.map((r) => Buffer.from(r.request.body ?? []).toString())).toEqual([
      sized,
      chunked,
    ]);
  });

  it('replaces an invalid traceparent in mirror mode: both upstreams get one fresh, valid header', async () => {
    const { up, shadowUp, tap, records } = await mirrorTap();
    await fetchRaw(`${tap.url}/fixed`, { headers: { traceparent: 'garbage' } });
    // Primary, shadow, and the self-check copy (the route's first request) to the primary.
    await expect.poll(() => records().length).toBe(3);
    const sent = up.seen[0]?.headers.traceparent;
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(shadowUp.seen.at(-1)?.headers.traceparent).toBe(sent);
    expect(up.seen[1]?.headers.traceparent).toBe(sent);
    const id = sent?.slice(3, 35);
    expect(records().map((r) => r.traceId)).toEqual([id, id, id]);
    // The recorded request is the client's, as it came.
    expect(records()[0]?.request.headers.traceparent).toBe('garbage');
  });

  it('holds the upstream back while a slow client reads, and still delivers every byte', async () => {
    const up = await upstream();
    const { tap, records } = await sidecar(up.url, { captureBodyBytes: 1024 });
    const received = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${tap.url}/big`, { agent: false });
      req.on('response', (r) => {
        let n = 0;
        r.pause();
        // Read nothing for a while: the tap must pause the upstream, not buffer 32 MiB.
        setTimeout(() => {
          r.on('data', (c: Buffer) => (n += c.length));
          r.on('end', () => resolve(n));
          r.resume();
        }, 200);
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).toBe(BIG);
    // Socket buffers on the way hold a few MiB; the rest waited in the upstream.
    expect(bigPending).toBeGreaterThan(BIG / 2);
    await expect.poll(() => records().length).toBe(1);
    expect(records()[0]?.response?.bodySize).toBe(BIG);
    expect(records()[0]?.response?.bodyTruncated).toBe(true);
  });

  it('records nothing for a request the client abandoned', async () => {
    const up = await upstream();
    const { tap, records, metrics } = await sidecar(up.url);
    await new Promise<void>((resolve) => {
      const req = http.request(`${tap.url}/slow`, { agent: false });
      req.on('error', () => resolve());
      req.end();
      setTimeout(() => req.destroy(), 50);
    });
    await expect
      .poll(() => metrics.value('shadow.tap.mirror.skipped', { reason: 'client_aborted' }))
      .toBe(1);
    await fetchRaw(`${tap.url}/fixed`);
    await expect.poll(() => records().length).toBe(1);
    expect(records()[0]?.request.url).toBe('/fixed');
  });

  it('applies the recording policy in sidecar mode (methods, sampling) like a mirror would', async () => {
    const up = await upstream();
    const { tap, records, metrics } = await sidecar(up.url);
    const post = await fetchRaw(`${tap.url}/echo`, { method: 'POST', body: 'x' });
    expect(post.body.toString()).toBe('x');
    await fetchRaw(`${tap.url}/fixed`);
    await expect.poll(() => records().length).toBe(1);
    expect(records()[0]?.request.method).toBe('GET');
    expect(await metrics.value('shadow.tap.mirror.skipped', { reason: 'method' })).toBe(1);
  });
});

describe('upgrade and CONNECT passthrough', () => {
  async function rawExchange(port: number, request: string, then?: string): Promise<string> {
    const socket: Socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (then !== undefined && got.includes('\r\n\r\n')) {
        socket.write(then);
        then = undefined;
      }
    });
    socket.write(request);
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    return got;
  }

  it('tunnels a websocket-style upgrade and CONNECT to the upstream without records', async () => {
    const server = http.createServer((_req, res) => res.end('plain'));
    server.on('upgrade', (_req, socket: Socket) => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
      );
      socket.on('data', (d: Buffer) => socket.write(`echo:${d.toString()}`));
      socket.on('end', () => socket.end());
    });
    server.on('connect', (_req, socket: Socket) => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(`tunnel:${d.toString()}`));
      socket.on('end', () => socket.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as { port: number }).port;
    const { tap, records, metrics } = await sidecar(`http://127.0.0.1:${port}`);
    const tapPort = Number(new URL(tap.url).port);

    const upgraded = await rawExchange(
      tapPort,
      'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n',
      'hello',
    );
    expect(upgraded).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(upgraded).toContain('echo:hello');

    const tunnelled = await rawExchange(
      tapPort,
      'CONNECT example:443 HTTP/1.1\r\nHost: example:443\r\n\r\n',
      'ping',
    );
    expect(tunnelled).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n/);
    expect(tunnelled).toContain('tunnel:ping');

    expect(await metrics.value('shadow.tap.passthrough', { kind: 'upgrade' })).toBe(1);
    expect(await metrics.value('shadow.tap.passthrough', { kind: 'connect' })).toBe(1);
    expect(records()).toHaveLength(0);
  });
});

describe('health, readiness and start-up errors', () => {
  it('serves /healthz and /readyz, and reports draining during shutdown', async () => {
    const up = await upstream();
    const { tap } = await sidecar(up.url);
    expect((await fetchRaw(`${tap.adminUrl}/healthz`)).status).toBe(200);
    const ready = await fetchRaw(`${tap.adminUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body.toString())).toMatchObject({ status: 'ready', mode: 'sidecar' });
    // A request in flight holds the drain open long enough to observe it.
    const pending = fetchRaw(`${tap.url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = tap.close();
    const draining = await fetchRaw(`${tap.adminUrl}/readyz`);
    expect(draining.status).toBe(503);
    expect((await pending).body.toString()).toBe('late');
    await closing;
  });

  it('names the missing key when the mode lacks its upstreams', async () => {
    const metrics = metricsHarness();
    cleanup.push(() => metrics.shutdown());
    const start = (tap: Record<string, unknown>) =>
      startTap({
        config: tapConfig(tap),
        publisher: new MemoryPublisher(),
        meter: metrics.meter,
        log: () => {},
      });
    await expect(start({ mode: 'sidecar' })).rejects.toThrow(ConfigError);
    await expect(start({ mode: 'sidecar' })).rejects.toThrow(/tap\.upstream.*--upstream/);
    await expect(start({ mode: 'mirror', primary: 'http://127.0.0.1:1' })).rejects.toThrow(
      /tap\.shadow.*--shadow/,
    );
  });

  it('names the key and the flag when a listen address is taken', async () => {
    const up = await upstream();
    const first = await sidecar(up.url);
    const taken = new URL(first.tap.url).host;
    const takenAdmin = new URL(first.tap.adminUrl).host;
    const metrics = metricsHarness();
    cleanup.push(() => metrics.shutdown());
    const start = (tap: Record<string, unknown>) =>
      startTap({
        config: tapConfig({ mode: 'sidecar', upstream: up.url, ...tap }),
        publisher: new MemoryPublisher(),
        meter: metrics.meter,
        log: () => {},
      });
    await expect(start({ listen: taken })).rejects.toThrow(ConfigError);
    await expect(start({ listen: taken })).rejects.toThrow(
      new RegExp(`^tap\\.listen: ${taken} is already in use \\(EADDRINUSE\\) — .*--listen`),
    );
    await expect(start({ adminListen: takenAdmin })).rejects.toThrow(
      /^tap\.adminListen: .* is already in use .*--admin-listen/,
    );
  });
});
