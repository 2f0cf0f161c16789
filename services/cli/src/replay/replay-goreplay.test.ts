import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, ordersApi, startUpstream } from './upstreams.test-kit.js';
import type { Upstream } from './upstreams.test-kit.js';

const SEP = '\n🐵🙈🙉\n';
const T0 = 1_764_000_000_000_000_000n;

function block(type: 1 | 2 | 3, id: string, http: string, ts = T0, latency = 0n): string {
  return `${type} ${id} ${ts} ${latency}\n${http}`;
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: shop.example\r\nAccept: */*\r\n\r\n`;

/**
 * A capture as `gor --output-file` writes it: three GETs, a POST with a body, an original
 * response (type 2, never replayed), a payload with a bad header (bad timestamp) and one whose
 * HTTP does not parse.
 */
function goreplayFile(): string {
  const post =
    'POST /api/orders HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/json\r\n' +
    'Content-Length: 12\r\n\r\n{"item":"x"}';
  return (
    [
      block(1, 'a1', get('/api/users/1')),
      block(2, 'a1', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}', T0 + 1n, 5_000_000n),
      block(1, 'a2', post),
      block(1, 'a3', get('/api/users/2'), T0 + 2n).replace(String(T0 + 2n), 'yesterday'),
      block(1, 'a4', 'GARBAGE\r\n\r\n'),
      block(1, 'a5', get('/api/orders/7')),
      block(1, 'a6', get('/api/products/3')),
    ].join(SEP) + SEP
  );
}

describe('shadowdiff replay --from a GoReplay capture', () => {
  let dir: string;
  let primary: Upstream;
  let shadow: Upstream;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shadowdiff-replay-gor-'));
    writeFileSync(join(dir, 'capture.gor'), goreplayFile());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await primary.close();
    await shadow.close();
  });

  const start = async () => {
    primary = await startUpstream(ordersApi('primary'));
    shadow = await startUpstream(ordersApi('shadow'));
  };
  const args = (...extra: string[]) => [
    'replay',
    '--from',
    join(dir, 'capture.gor'),
    '--primary',
    primary.url,
    '--shadow',
    shadow.url,
    '--min-pairs',
    '1',
    '--json',
    ...extra,
  ];

  it('sends only the safe requests, names and counts the malformed blocks, replays no response', async () => {
    await start();
    const { code, stdout, stderr } = await cli(args());
    const out = JSON.parse(stdout) as {
      counts: {
        requests: number;
        sent: number;
        skipped: { method: number };
        malformed: number;
        responsesIgnored: number;
      };
      verdicts: number;
      routes: { route: string; pairs: number; diffs: number }[];
      gate: { verdict: string };
    };
    expect(out.counts).toMatchObject({
      requests: 4,
      sent: 3,
      skipped: { method: 1 },
      malformed: 2,
      responsesIgnored: 1,
    });
    // Named by payload index and the line it starts on in the file.
    const text = goreplayFile();
    const lineOf = (start: string) => text.slice(0, text.indexOf(start)).split('\n').length;
    expect(stderr).toContain(
      `skipped capture.gor block 3 (line ${lineOf('1 a3 ')}): bad timestamp "yesterday"`,
    );
    expect(stderr).toContain(
      `skipped capture.gor block 4 (line ${lineOf('1 a4 ')}), request a4: bad request line "GARBAGE"`,
    );
    for (const side of [primary, shadow]) {
      expect(side.seen.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
        'GET /api/orders/7',
        'GET /api/products/3',
        'GET /api/users/1',
      ]);
    }
    expect(out.verdicts).toBe(3);
    const orders = out.routes.find((r) => r.route === 'GET /api/orders/{id}');
    expect(orders).toMatchObject({ pairs: 1, diffs: 1 });
    // One diff in three pairs is over the default 0.5%.
    expect(out.gate.verdict).toBe('fail');
    expect(code).toBe(1);
  });

  it('--allow-writes sends the POST, with its body, to both sides; the shadow is marked', async () => {
    await start();
    const { stdout } = await cli(args('--allow-writes'));
    expect((JSON.parse(stdout) as { counts: { sent: number } }).counts.sent).toBe(4);
    const posts = [primary, shadow].map((s) => s.seen.find((r) => r.method === 'POST'));
    for (const post of posts) {
      expect(post).toMatchObject({ url: '/api/orders', body: '{"item":"x"}' });
    }
    expect(posts[0]!.headers['x-shadow-request']).toBeUndefined();
    expect(posts[1]!.headers['x-shadow-request']).toBe('1');
    // One trace context for both sides, fresh (not the capture's), as a mirror tap sends it.
    expect(posts[0]!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(posts[1]!.headers.traceparent).toBe(posts[0]!.headers.traceparent);
    // The target's host, not the recorded one.
    expect(posts[1]!.headers.host).toBe(new URL(shadow.url).host);
  });

  it('a file in which nothing decodes is refused with exit 2 and what --from takes', async () => {
    await start();
    const bad = join(dir, 'not-a-capture.gor');
    writeFileSync(bad, 'hello world\n');
    const { code, stderr } = await cli([
      'replay',
      '--from',
      bad,
      '--primary',
      primary.url,
      '--shadow',
      shadow.url,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('not-a-capture.gor: no GoReplay payload could be read');
    expect(primary.seen).toEqual([]);
    expect(readFileSync(bad, 'utf8')).toBe('hello world\n');
  });
});
