import { describe, expect, it } from 'vitest';
import { Conversation, prng, shuffle, text } from './conversation.test-kit.js';
import { MirrorReassembler } from './mirror-reassembler.js';
import type { MirrorReassemblerOptions } from './mirror-reassembler.js';
import type { Exchange } from './tcp/http-flow.js';

function run(datagrams: Uint8Array[], options: MirrorReassemblerOptions = {}, end = true) {
  const r = new MirrorReassembler(options);
  const out: Exchange[] = [];
  datagrams.forEach((d, i) => out.push(...r.push(d, i)));
  if (end) out.push(...r.close(datagrams.length));
  return { r, out };
}

const body = (n: number, seed = 1) => {
  const random = prng(seed);
  return Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join(
    '',
  );
};

const pairs = (): Array<[string, string]> => {
  const big = body(5000);
  return [
    [
      'GET /orders/1 HTTP/1.1\r\nHost: a\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\none1',
    ],
    [
      `POST /orders HTTP/1.1\r\nContent-Length: ${big.length}\r\n\r\n${big}`,
      `HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n${big.slice(0, 4096)}\r\n${(big.length - 4096).toString(16)}\r\n${big.slice(4096)}\r\n0\r\n\r\n`,
    ],
    ['HEAD /h HTTP/1.1\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 123\r\n\r\n'],
  ];
};

const summary = (out: Exchange[]) =>
  out.map(
    (e) =>
      `${e.request.method} ${e.request.url} ${e.response.status} ${text(e.response.body).length}${e.incomplete ? ` ${e.incomplete}` : ''}`,
  );

const expected = ['GET /orders/1 200 4', 'POST /orders 201 5000', 'HEAD /h 200 0'];

describe('MirrorReassembler', () => {
  it('pairs every request with its response over one keep-alive connection', () => {
    const c = new Conversation({ mss: 1000 });
    const { out, r } = run(c.exchanges(pairs()));
    expect(summary(out)).toEqual(expected);
    expect(out[1]!.request.body).toHaveLength(5000);
    expect(out[0]!.flow).toEqual({
      vni: 7,
      client: { addr: '10.0.0.1', port: 40_000 },
      server: { addr: '10.0.0.2', port: 8080 },
    });
    expect(r.stats.flowsEnded.fin).toBe(1);
    expect(r.flowCount).toBe(0);
    expect(r.bufferedBytes).toBe(0);
  });

  it('gives the same exchanges from reordered and duplicated datagrams', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const random = prng(seed);
      const c = new Conversation({ mss: 700, clientIsn: 0xffffff00, serverIsn: seed * 1000 });
      const datagrams = c.exchanges(pairs());
      // Reorder within a window of 6 (as a mirror path does), duplicate 20%; SYN stays first.
      const [syn, ...rest] = datagrams;
      const mixed: Uint8Array[] = [syn!];
      for (let i = 0; i < rest.length; i += 6) mixed.push(...shuffle(rest.slice(i, i + 6), random));
      const withDupes = mixed.flatMap((d) => (random() < 0.2 ? [d, d] : [d]));
      const { out, r } = run(withDupes);
      expect(summary(out), `seed ${seed}`).toEqual(expected);
      expect(r.stats.lostBytes).toBe(0);
    }
  });

  it('pairs pipelined requests in order, even when the responses come after all of them', () => {
    const c = new Conversation();
    const d = [
      ...c.handshake(),
      ...c.send('client', 'GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n'),
      ...c.send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1'),
      ...c.send(
        'server',
        'HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\n2HTTP/1.1 200 OK\r\n',
      ),
      ...c.send('server', 'Content-Length: 1\r\n\r\n3'),
    ];
    expect(summary(run(d).out)).toEqual(['GET /1 200 1', 'GET /2 404 1', 'GET /3 200 1']);
  });

  it('notes 100 Continue on the exchange', () => {
    const c = new Conversation();
    const d = [
      ...c.handshake(),
      ...c.send('client', 'PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n'),
      ...c.send('server', 'HTTP/1.1 100 Continue\r\n\r\n'),
      ...c.send('client', 'abc'),
      ...c.send('server', 'HTTP/1.1 204 No Content\r\n\r\n'),
    ];
    const { out } = run(d);
    expect(summary(out)).toEqual(['PUT /u 204 0']);
    expect(out[0]!.interim).toEqual([100]);
    expect(text(out[0]!.request.body)).toBe('abc');
  });

  it('marks an exchange whose segment was lost, and keeps the next one whole', () => {
    const c = new Conversation({ mss: 1000 });
    const datagrams = c.exchanges(pairs());
    // Drop the third data segment of the chunked response body.
    const responseStart = datagrams.findIndex((d) => text(d).includes('HTTP/1.1 201'));
    const lossy = datagrams.filter((_, i) => i !== responseStart + 2);
    const { out, r } = run(lossy, { holeWaitMs: 1_000_000 });
    expect(summary(out)).toEqual([
      'GET /orders/1 200 4',
      'POST /orders 201 1942 lost',
      'HEAD /h 200 0',
    ]);
    expect(out[1]!.response).toMatchObject({ bodySize: 5000, bodyTruncated: true });
    expect(r.stats.lostBytes).toBe(1000);
    expect(r.stats.exchanges).toMatchObject({ complete: 2, lost: 1 });
  });

  it('gives up a hole after holeWaitMs of packet time', () => {
    const c = new Conversation();
    const d = [
      ...c.handshake(),
      ...c.send('client', 'POST /p HTTP/1.1\r\nContent-Length: 6\r\n\r\n'),
    ];
    c.send('client', 'abc'); // lost
    d.push(
      ...c.send('client', 'def'),
      ...c.send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
    );
    const r = new MirrorReassembler({ holeWaitMs: 500 });
    d.forEach((x) => r.push(x, 0));
    expect(r.sweep(100)).toEqual([]);
    const out = r.sweep(600);
    expect(summary(out)).toEqual(['POST /p 200 0 lost']);
    expect(r.stats.lostBytes).toBe(3);
  });

  it('counts what packet_length cut, and still pairs the exchange', () => {
    const c = new Conversation({ packetLength: 14 + 20 + 20 + 100 });
    const { out, r } = run(
      c.exchanges([
        ['GET /t HTTP/1.1\r\n\r\n', `HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n${body(400)}`],
      ]),
    );
    expect(summary(out)).toEqual(['GET /t 200 60 truncated']);
    expect(r.stats.truncatedBytes).toBe(400 - 60);
    expect(r.stats.exchanges.truncated).toBe(1);
  });

  it('applies the VNI allowlist and the server port filter', () => {
    const c = (vni: number, serverPort: number) =>
      new Conversation({ vni, serverPort }).exchanges([
        ['GET / HTTP/1.1\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
      ]);
    const d = [...c(7, 8080), ...c(8, 8080), ...c(7, 9090)];
    const { out, r } = run(d, { vnis: [7], serverPorts: [8080] });
    expect(out).toHaveLength(1);
    expect(r.stats.skipped['vni-filtered']).toBeGreaterThan(0);
    expect(r.stats.skipped['flow-filtered']).toBeGreaterThan(0);
    // Return traffic is told apart by the service's port: no SYN needed.
    const midstream = new Conversation({ serverPort: 8080, clientPort: 80 });
    midstream.handshake();
    const m = [
      ...midstream.send('client', 'GET /m HTTP/1.1\r\n\r\n'),
      ...midstream.send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
    ];
    expect(summary(run(m, { serverPorts: [8080] }).out)).toEqual(['GET /m 200 0']);
  });

  it('counts TLS and non-HTTP flows once and drops their packets unread', () => {
    const tls = new Conversation({ clientPort: 1 });
    tls.handshake();
    const hello = Uint8Array.of(0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5);
    const other = new Conversation({ clientPort: 2 });
    other.handshake();
    const d = [
      ...tls.send('client', hello),
      ...tls.send('server', hello),
      ...other.send('client', 'SSH-2.0\r\n'),
    ];
    const { r } = run(d, { serverPorts: [8080] });
    expect(r.stats.notHttp).toMatchObject({ tls: 1, 'not-http': 1 });
  });

  it('ends flows on RST and after the idle timeout, counting unanswered requests', () => {
    const a = new Conversation({ clientPort: 1 });
    const b = new Conversation({ clientPort: 2 });
    const d = [
      ...a.handshake(),
      ...a.send('client', 'GET /a HTTP/1.1\r\n\r\n'),
      a.rst('client'),
      ...b.handshake(),
      ...b.send('client', 'GET /b HTTP/1.1\r\n\r\n'),
    ];
    const r = new MirrorReassembler({ idleTimeoutMs: 1000 });
    d.forEach((x) => r.push(x, 0));
    expect(r.stats.flowsEnded.rst).toBe(1);
    expect(r.flowCount).toBe(1);
    r.sweep(999);
    expect(r.flowCount).toBe(1);
    r.sweep(1000);
    expect(r.flowCount).toBe(0);
    expect(r.stats.flowsEnded.idle).toBe(1);
    expect(r.stats.unpaired['no-response']).toBe(2);
  });

  it('evicts flows beyond the per-flow, total and count caps, and counts each', () => {
    const open = (port: number) => {
      const c = new Conversation({ clientPort: port });
      const d = c.handshake();
      c.send('client', 'x'); // lost first byte: everything after it waits in the buffer
      return [
        ...d,
        ...c.send('client', `POST / HTTP/1.1\r\nContent-Length: 99999\r\n\r\n${body(3000)}`),
      ];
    };
    const perFlow = run(open(1), { maxFlowBytes: 1000, holeWaitMs: 1e9 }, false);
    // The hole is given up first; then the kept body still fits, so the flow lives on.
    expect(perFlow.r.stats.lostBytes).toBe(1);
    expect(perFlow.r.bufferedBytes).toBeLessThanOrEqual(1000 + 1460);
    const total = run(
      [...open(1), ...open(2), ...open(3)],
      { maxTotalBytes: 5000, holeWaitMs: 1e9 },
      false,
    );
    expect(total.r.stats.flowsEnded['total-cap']).toBeGreaterThan(0);
    expect(total.r.bufferedBytes).toBeLessThanOrEqual(5000);
    const count = run([...open(1), ...open(2), ...open(3)], { maxFlows: 2 }, false);
    expect(count.r.stats.flowsEnded['max-flows']).toBe(1);
    expect(count.r.flowCount).toBe(2);
  });

  it('starts a new connection when a SYN reuses a tuple still tracked', () => {
    const first = new Conversation({ clientIsn: 1 });
    const second = new Conversation({ clientIsn: 900_000 });
    const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    const d = [
      ...first.handshake(),
      ...first.send('client', 'GET /1 HTTP/1.1\r\n\r\n'),
      ...first.send('server', ok),
      ...second.exchanges([['GET /2 HTTP/1.1\r\n\r\n', ok]]),
    ];
    const { out, r } = run(d);
    expect(summary(out)).toEqual(['GET /1 200 0', 'GET /2 200 0']);
    expect(r.stats.flowsEnded.reused).toBe(1);
  });
});
