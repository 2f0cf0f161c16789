import { request } from 'node:http';
import { ConfigError, validateConfig } from '@shadowdiff/contracts';
import type { RouteStatsDelta } from '@shadowdiff/engine';
import { MemorySampleStore } from '@shadowdiff/memory';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleNoise, NoiseEntryView } from '../noise/console-noise.js';
import { startConsole } from './server.js';
import type { ConsoleHandle } from './server.js';
import { driftExample } from './examples.test-kit.js';

const NOW = Date.parse('2026-11-26T12:00:30Z');
const MINUTE = 60_000;
const minute = Math.floor(NOW / MINUTE) * MINUTE;

function delta(route: string, match: number, diff: number): RouteStatsDelta {
  return {
    service: 'shop',
    route,
    minute,
    outcomes: { match, diff },
    late: 0,
    diffs: diff ? [{ kind: 'body', path: '/total', severity: 'minor', count: diff }] : [],
    latency: { primary: { 6: match + diff }, shadow: { 7: match + diff } },
    responses: { primary: { '2xx': match + diff }, shadow: { '2xx': match + diff } },
    suppressed: [{ kind: 'body', path: '/requestId', reason: 'volatile', count: match + diff }],
  };
}

async function store(): Promise<MemorySampleStore> {
  const samples = new MemorySampleStore({ clock: { now: () => NOW } });
  await samples.record({
    stats: [delta('GET /orders/{id}', 150, 50), delta('GET /users/{id}', 60, 0)],
    examples: [
      {
        service: 'shop',
        route: 'GET /orders/{id}',
        kind: 'body',
        path: '/total',
        example: driftExample('trace-1'),
      },
    ],
  });
  return samples;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function call(
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body) as unknown,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

let handle: ConsoleHandle | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

async function start(
  options: { env?: NodeJS.ProcessEnv; listen?: string; noise?: ConsoleNoise; logs?: string[] } = {},
) {
  handle = await startConsole({
    config: validateConfig({ service: 'shop', owner: 'team-a' }),
    samples: await store(),
    clock: { now: () => NOW },
    listen: options.listen ?? '127.0.0.1:0',
    env: options.env ?? {},
    ...(options.noise ? { noise: options.noise } : {}),
    log: (line) => options.logs?.push(line),
  });
  return handle;
}

describe('console HTTP API', () => {
  it('serves the overview with rates per route', async () => {
    const c = await start();
    const r = await call(c.url, '/api/overview?range=15m');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = r.json();
    expect(body.rows.map((x: { route: string }) => x.route)).toEqual([
      'GET /orders/{id}',
      'GET /users/{id}',
    ]);
    expect(body.rows[0]).toMatchObject({ compared: 200, diffRate: 0.25 });
    expect(body.rows[1]).toMatchObject({ compared: 60, diffRate: 0 });
    expect(body.totals.compared).toBe(260);
    expect(body.to - body.from).toBe(15 * MINUTE);
  });

  it('serves a route detail with its field tree, examples and one decoded example', async () => {
    const c = await start();
    const q = new URLSearchParams({ service: 'shop', route: 'GET /orders/{id}', range: '1h' });
    const detail = (await call(c.url, `/api/route?${q}`)).json();
    const body = detail.tree.find((n: { name: string }) => n.name === 'body');
    expect(
      body.children.map((n: { path: string; total: number; suppressed: number }) => [
        n.path,
        n.total,
        n.suppressed,
      ]),
    ).toEqual([
      ['/total', 50, 0],
      ['/requestId', 0, 200],
    ]);
    const ex = new URLSearchParams({
      service: 'shop',
      route: 'GET /orders/{id}',
      kind: 'body',
      path: '/total',
    });
    const list = (await call(c.url, `/api/examples?${ex}`)).json();
    expect(list.examples).toEqual([
      expect.objectContaining({
        traceId: 'trace-1',
        finding: expect.objectContaining({ path: '/total', primary: 70, shadow: 71 }),
      }),
    ]);
    ex.set('trace', 'trace-1');
    const view = (await call(c.url, `/api/example?${ex}`)).json();
    expect(view.sides.shadow.body).toEqual({
      kind: 'json',
      value: { id: 7, total: 71, requestId: 'b' },
    });
    ex.set('trace', 'gone');
    const missing = await call(c.url, `/api/example?${ex}`);
    expect(missing.status).toBe(404);
  });

  it('answers bad parameters with 400 naming the parameter', async () => {
    const c = await start();
    expect((await call(c.url, '/api/route?service=shop')).json()).toEqual({
      error: "missing query parameter 'route'",
    });
    const kind = await call(c.url, '/api/examples?service=shop&route=x&kind=cookie');
    expect(kind.status).toBe(400);
    expect(kind.json().error).toBe(
      "'kind' must be one of status, header, body, outcome, got 'cookie'",
    );
    expect((await call(c.url, '/api/overview?range=soon')).json().error).toMatch(
      /^range expects a duration/,
    );
    expect((await call(c.url, '/api/nope')).status).toBe(404);
  });

  it('serves the UI with a strict content security policy', async () => {
    const c = await start();
    const page = await call(c.url, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/assets/app.js">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const js = await call(c.url, '/assets/app.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const again = await call(c.url, '/assets/app.js', {
      headers: { 'if-none-match': String(js.headers.etag) },
    });
    expect(again.status).toBe(304);
    expect((await call(c.url, '/etc/passwd')).status).toBe(404);
  });

  it('on loopback without a token, refuses foreign Host headers (DNS rebinding)', async () => {
    const c = await start();
    expect(c.auth).toBe('loopback');
    const r = await call(c.url, '/api/meta', { headers: { host: 'attacker.example' } });
    expect(r.status).toBe(421);
  });

  it('requires the bearer token when one is set, and never logs it', async () => {
    const logs: string[] = [];
    const c = await start({ env: { SHADOWDIFF_CONSOLE_TOKEN: 'tok-123456' }, logs });
    expect(c.auth).toBe('token');
    const none = await call(c.url, '/api/overview');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="shadowdiff"');
    expect(
      (await call(c.url, '/api/overview', { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    const ok = await call(c.url, '/api/overview', {
      headers: { authorization: 'Bearer tok-123456' },
    });
    expect(ok.status).toBe(200);
    // Static files carry no data: the UI loads, then asks for the token.
    expect((await call(c.url, '/')).status).toBe(200);
    expect(logs.join('\n')).toContain('SHADOWDIFF_CONSOLE_TOKEN');
    expect(logs.join('\n')).not.toContain('tok-123456');
  });

  it('will not listen beyond loopback without a token', async () => {
    await expect(start({ listen: '0.0.0.0:0' })).rejects.toThrow(ConfigError);
    await expect(start({ listen: '0.0.0.0:0' })).rejects.toThrow(/set SHADOWDIFF_CONSOLE_TOKEN/);
    const c = await start({
      listen: '0.0.0.0:0',
      env: { SHADOWDIFF_CONSOLE_TOKEN: 'x'.repeat(32) },
    });
    expect((await call(c.url, '/api/meta')).status).toBe(401);
  });

  it('lists noise entries and records decisions', async () => {
    const entry: NoiseEntryView = {
      id: 'n1',
      service: 'shop',
      route: 'GET /orders/{id}',
      kind: 'body',
      aspect: 'value',
      path: '/requestId',
      state: 'learned',
      active: true,
      evidence: { samples: 200, changes: 200, changeRate: 1, distinct: 200, valueKind: 'id' },
    };
    const noise: ConsoleNoise = {
      list: () => Promise.resolve([entry]),
      decide: (id, decision) => {
        if (id !== entry.id) return Promise.resolve(undefined);
        entry.state = decision ?? 'learned';
        entry.active = entry.state !== 'rejected';
        return Promise.resolve(entry);
      },
    };
    const c = await start({ noise });
    expect((await call(c.url, '/api/noise')).json()).toEqual({ connected: true, entries: [entry] });
    const q = new URLSearchParams({ service: 'shop', route: 'GET /orders/{id}' });
    const tree = (await call(c.url, `/api/route?${q}`)).json().tree;
    const requestId = tree[0].children.find((n: { path: string }) => n.path === '/requestId');
    expect(requestId.noise).toEqual({ state: 'learned', id: 'n1' });
    const post = (body: unknown, type = 'application/json') =>
      call(c.url, '/api/noise/decide', {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify(body),
      });
    expect((await post({ id: 'n1', decision: 'rejected' })).json()).toMatchObject({
      state: 'rejected',
      active: false,
    });
    expect((await post({ id: 'n1', decision: 'maybe' })).status).toBe(400);
    expect((await post({ id: 'nope', decision: 'confirmed' })).status).toBe(404);
    // A cross-site form post cannot carry JSON without a preflight: refused.
    expect((await post({ id: 'n1', decision: 'confirmed' }, 'text/plain')).status).toBe(415);
    expect(entry.state).toBe('rejected');
  });

  it('says when noise learning is not connected', async () => {
    const c = await start();
    expect((await call(c.url, '/api/noise')).json()).toEqual({ connected: false, entries: [] });
    const r = await call(c.url, '/api/noise/decide', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(r.status).toBe(409);
  });
});
