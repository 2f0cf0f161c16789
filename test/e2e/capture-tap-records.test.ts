/**
 * The in-process capture and the sidecar tap see one exchange from two places — inside the
 * service, and in front of it — and must record it the same: same request, same answer (status,
 * headers as on the wire, body bytes, encoding), same redaction, same trace id.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createCapture } from '@shadowdiff/capture';
import { decodeTapRecord, validateConfig } from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import { startTap } from '@shadowdiff/tap';
import { createNoopMeter } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

function collector(): RecordPublisher & { records(): TapRecord[] } {
  const kept: OutboundMessage[] = [];
  return {
    publish: (messages) => (kept.push(...messages), Promise.resolve()),
    close: () => Promise.resolve(),
    records: () =>
      kept
        .map((m) => decodeTapRecord(m.value))
        .flatMap((d) => (d.ok && !d.value.traceId.startsWith('census-') ? [d.value] : [])),
  };
}

/** What both sources must agree on: everything but who recorded it, when, and how long it took. */
function comparable(r: TapRecord): unknown {
  const { tapId: _t, capturedAt: _c, durationMs: _d, meta, ...rest } = r;
  const { tapVersion: _v, ...facts } = meta ?? {};
  return { ...rest, meta: facts };
}

const GZ = gzipSync(Buffer.from(JSON.stringify({ z: [1, 2, 3] })));

describe('capture and the sidecar tap record the same exchange the same', () => {
  it('for a JSON answer, a chunked one, a gzip one, a redirect and a 404', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closing.push(
      () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
    );
    // One config for both (the same configHash stamped): the tap fronts the captured service.
    const config = validateConfig({
      service: 'orders',
      tap: {
        listen: '127.0.0.1:0',
        adminListen: '127.0.0.1:0',
        role: 'primary',
        upstream: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        buffer: { lingerMs: 5 },
        redact: { headers: ['x-api-key'], jsonPaths: ['/token'] },
      },
    });
    const redactKey = Buffer.from('one key for both');
    const inside = collector();
    const capture = createCapture({ config, publisher: inside, redactKey, log: () => {} });
    closing.push(() => capture.close(2_000));
    server.on(
      'request',
      capture.handler((req, res) => {
        res.setHeader('X-Trace', 'svc');
        if (req.url?.startsWith('/json')) {
          res.setHeader('Content-Type', 'application/json');
          res.setHeader('Set-Cookie', ['sid=abc; Path=/', 'theme=dark']);
          res.end(JSON.stringify({ token: 'secret', n: 1 }));
        } else if (req.url === '/chunked') {
          res.write('a,');
          res.write('b,');
          res.end('c');
        } else if (req.url === '/gzip') {
          res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' });
          res.end(GZ);
        } else if (req.url === '/moved') {
          res.writeHead(302, { Location: '/json' }).end();
        } else {
          res.statusCode = 404;
          res.end('no such thing');
        }
      }),
    );
    const front = collector();
    const tap = await startTap({
      config,
      publisher: front,
      meter: createNoopMeter(),
      redactKey,
      log: () => {},
    });
    closing.push(() => tap.close());

    const paths = ['/json?q=1', '/chunked', '/gzip', '/moved', '/missing'];
    for (const [i, path] of paths.entries()) {
      const res = await fetch(tap.url + path, {
        headers: {
          traceparent: `00-${String(i + 1).padStart(32, 'c')}-00f067aa0ba902b7-01`,
          'x-api-key': 'k-123',
          authorization: 'Basic dXNlcjpwdw==',
          cookie: 'sid=abc; theme=dark',
        },
        redirect: 'manual',
      });
      await res.arrayBuffer();
    }
    await capture.close(2_000);
    await tap.close();
    const byUrl = (rs: TapRecord[]) =>
      Object.fromEntries(rs.map((r) => [r.request.url, comparable(r)]));
    const fromTap = byUrl(front.records());
    const fromCapture = byUrl(inside.records());
    expect(Object.keys(fromTap).sort()).toEqual([...paths].sort());
    for (const path of paths)
      expect({ path, ...(fromCapture[path] as object) }).toEqual({
        path,
        ...(fromTap[path] as object),
      });
  });
});
