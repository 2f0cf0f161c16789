import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaTap, readRecords } from './kafka-harness.test-kit.js';
import type { KafkaTap } from './kafka-harness.test-kit.js';
import { deadPort, fetchRaw, startServer } from './test-harness.test-kit.js';
import type { TestServer } from './test-harness.test-kit.js';

const BODY = JSON.stringify({ id: 1, status: 'shipped' });

function ok(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/login') {
    res.writeHead(200, {
      'content-type': 'application/json',
      'set-cookie': [`sid=SETCOOKIESECRET-${req.headers['x-user'] as string}; Path=/; HttpOnly`],
    });
    res.end(
      JSON.stringify({
        user: req.headers['x-user'],
        password: 'PWSECRET',
        token: { value: 'TOKSECRET' },
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(BODY);
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  const steps = cleanup.reverse();
  cleanup = [];
  for (const c of steps) await c();
});

async function server(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const s = await startServer(handle);
  cleanup.push(() => s.close());
  return s;
}

async function tapWith(options: Parameters<typeof kafkaTap>[0]): Promise<KafkaTap> {
  const t = await kafkaTap(options);
  cleanup.push(async () => {
    await t.drain();
    await t.metrics.shutdown();
  });
  return t;
}

describe('redaction on the topic', () => {
  it('lets no redacted secret reach Kafka, while equal secrets give equal tokens', async () => {
    const primary = await server(ok);
    const shadow = await server(ok);
    const t = await tapWith({
      tap: {
        mode: 'mirror',
        primary: primary.url,
        shadow: shadow.url,
        redact: { headers: ['x-api-key'], jsonPaths: ['/password', '/token/value'] },
      },
    });
    const send = (secret: string, user: string) =>
      fetchRaw(`${t.tap.url}/login`, {
        headers: {
          authorization: `Bearer AUTHSECRET-${secret}`,
          cookie: `session=COOKIESECRET-${secret}; theme=dark`,
          'x-api-key': `APIKEYSECRET-${secret}`,
          'x-user': user,
        },
      });
    // The client still gets the real values: redaction is for records only.
    const first = await send('one', 'u1');
    expect(first.body.toString()).toContain('PWSECRET');
    await send('one', 'u1');
    await send('two', 'u2');
    await t.drain();
    const records = await readRecords(t.topic, 6);
    expect(records).toHaveLength(6);
    // Scan every byte that reached the topic: key, value, headers.
    for (const { message } of records) {
      const raw = Buffer.concat([
        Buffer.from(message.key ?? ''),
        message.value ?? Buffer.alloc(0),
        Buffer.from(JSON.stringify(message.headers)),
      ]).toString('latin1');
      expect(raw).not.toMatch(
        /AUTHSECRET|COOKIESECRET|APIKEYSECRET|SETCOOKIESECRET|PWSECRET|TOKSECRET/,
      );
    }
    const auth = (i: number, role: string) =>
      records.filter((r) => r.record.role === role).map((r) => r.record)[i];
    const p = [0, 1, 2].map((i) => auth(i, 'primary'));
    const s = [0, 1, 2].map((i) => auth(i, 'shadow'));
    const byUserAndSecret = (list: typeof p) =>
      list.map((r) => `${r?.request.headers['x-user']}:${r?.request.headers.authorization}`);
    // Equal secrets: equal tokens, across requests and across the two sides of a pair.
    for (const r of [...p, ...s])
      expect(r?.request.headers.authorization).toMatch(/^Bearer redacted:/);
    const tokens = byUserAndSecret(p);
    const u1 = tokens.filter((x) => x.startsWith('u1:'));
    const u2 = tokens.filter((x) => x.startsWith('u2:'));
    expect(new Set(u1).size).toBe(1);
    expect(u2[0]?.split(':').slice(1).join(':')).not.toBe(u1[0]?.split(':').slice(1).join(':'));
    for (const r of p) {
      const partner = s.find((x) => x?.traceId === r?.traceId);
      expect(partner?.request.headers.authorization).toBe(r?.request.headers.authorization);
      expect(partner?.response?.headers['set-cookie']).toBe(r?.response?.headers['set-cookie']);
      expect(JSON.parse(Buffer.from(partner?.response?.body ?? []).toString())).toEqual(
        JSON.parse(Buffer.from(r?.response?.body ?? []).toString()),
      );
    }
    expect(p[0]?.response?.headers['set-cookie']).toMatch(
      /^sid=redacted:[\w-]+; Path=\/; HttpOnly$/,
    );
  });
});

describe('failures leave the primary path correct and counted', () => {
  it('shadow down: every client answer is the primary’s; refusals are recorded, counted, then pause the mirror', async () => {
    const primary = await server(ok);
    const t = await tapWith({
      tap: {
        mode: 'mirror',
        primary: primary.url,
        shadow: `http://127.0.0.1:${await deadPort()}`,
        mirror: { downAfterRefusals: 5, downCooldownMs: 60_000 },
      },
    });
    for (let i = 0; i < 10; i++) {
      const res = await fetchRaw(`${t.tap.url}/orders/${i}`);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe(BODY);
    }
    await t.drain();
    // Five refusals in a row take the shadow as down: the other five are not even attempted.
    expect(
      await t.metrics.value('shadow.tap.upstream.errors', { role: 'shadow', kind: 'refused' }),
    ).toBe(5);
    expect(await t.metrics.value('shadow.tap.shadow.latency.seconds', { outcome: 'refused' })).toBe(
      5,
    );
    expect(
      await t.metrics.value('shadow.tap.mirror.skipped', { reason: 'shadow_unavailable' }),
    ).toBe(5);
    expect(await t.metrics.value('shadow.tap.records', { outcome: 'published' })).toBe(10);
    const records = (await readRecords(t.topic, 10)).map((r) => r.record);
    expect(
      records
        .filter((r) => r.role === 'shadow')
        .every((r) => r.error?.kind === 'refused' && !r.response),
    ).toBe(true);
    expect(
      records.filter((r) => r.role === 'primary').every((r) => r.response?.status === 200),
    ).toBe(true);
  });

  it('shadow hanging: answers come back while shadows are still pending; the in-flight bound skips and counts', async () => {
    const primary = await server(ok);
    const hung: ServerResponse[] = [];
    const shadow = await server((_req, res) => hung.push(res));
    const t = await tapWith({
      tap: {
        mode: 'mirror',
        primary: primary.url,
        shadow: shadow.url,
        mirror: { timeoutMs: 1_000, maxInFlight: 3 },
      },
    });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => fetchRaw(`${t.tap.url}/orders/${i}`)),
    );
    // Every client has its answer while the mirrored requests are still hanging.
    expect(t.tap.stats().shadowInFlight).toBe(3);
    for (const a of answers) expect(a.body.toString()).toBe(BODY);
    expect(await t.metrics.value('shadow.tap.mirror.skipped', { reason: 'in_flight_full' })).toBe(
      7,
    );
    await expect.poll(() => t.tap.stats().shadowInFlight, { timeout: 5_000 }).toBe(0);
    await t.drain();
    expect(
      await t.metrics.value('shadow.tap.upstream.errors', { role: 'shadow', kind: 'timeout' }),
    ).toBe(3);
    const records = (await readRecords(t.topic, 6)).map((r) => r.record);
    expect(records.filter((r) => r.role === 'shadow').map((r) => r.error?.kind)).toEqual([
      'timeout',
      'timeout',
      'timeout',
    ]);
    for (const res of hung) res.destroy();
  });

  it('Kafka unreachable: the tap starts, answers correctly, stays ready, and drops and counts beyond its buffer', async () => {
    const primary = await server(ok);
    const shadow = await server(ok);
    const t = await tapWith({
      brokers: [`127.0.0.1:${await deadPort()}`],
      waitForKafka: false,
      tap: {
        mode: 'mirror',
        primary: primary.url,
        shadow: shadow.url,
        shutdownGraceMs: 300,
        buffer: { maxRecords: 5, lingerMs: 1 },
      },
    });
    for (let i = 0; i < 20; i++) {
      const res = await fetchRaw(`${t.tap.url}/orders/${i}`);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe(BODY);
    }
    const ready = await fetchRaw(`${t.tap.adminUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(t.publisher.state).toBe('connecting');
    await t.drain();
    const full = await t.metrics.value('shadow.tap.records', {
      outcome: 'dropped',
      reason: 'buffer_full',
    });
    const shutdown = await t.metrics.value('shadow.tap.records', {
      outcome: 'dropped',
      reason: 'shutdown',
    });
    expect(full).toBe(35);
    expect(shutdown).toBe(5);
    expect(await t.metrics.value('shadow.tap.records', { outcome: 'published' })).toBe(0);
    expect(t.logs.some((l) => /record delivery trouble.*buffer_full/.test(l))).toBe(true);
    // Rate-limited: a handful of lines for 40 drops, not one each.
    expect(t.logs.filter((l) => l.includes('delivery trouble')).length).toBeLessThanOrEqual(3);
  });
});
