import type * as http from 'node:http';
import { decodeTapRecord, readTraceRoles } from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import { waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startTap } from './start-tap.js';
import {
  MemoryPublisher,
  fetchRaw,
  metricsHarness,
  startServer,
  tapConfig,
} from './test-harness.test-kit.js';
import type { MetricsHarness, TestServer } from './test-harness.test-kit.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  const steps = cleanup.reverse();
  cleanup = [];
  for (const c of steps) await c();
});

const MARKER = 'x-shadow-request';
const marked = (s: TestServer) => s.seen.filter((r) => r.headers[MARKER] === '1');
const unmarked = (s: TestServer) => s.seen.filter((r) => r.headers[MARKER] === undefined);

/**
 * A primary whose answers say which call they are (`n`); a marked call (the self-check copy) is
 * answered when `hold` resolves, if given.
 */
async function primaryServer(
  hold?: () => Promise<void>,
): Promise<TestServer & { answered: number }> {
  let n = 0;
  const state = { answered: 0 };
  const server = await startServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    const call = ++n;
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ call, method: req.method }));
      if (req.headers[MARKER] === '1') state.answered++;
    };
    if (hold !== undefined && req.headers[MARKER] === '1') void hold().then(answer);
    else answer();
  });
  cleanup.push(() => server.close());
  // (A getter: Object.assign would copy the count once.)
  Object.defineProperty(server, 'answered', { get: () => state.answered });
  return server as TestServer & { answered: number };
}

async function plainServer(): Promise<TestServer> {
  const server = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method }));
  });
  cleanup.push(() => server.close());
  return server;
}

async function mirror(
  primary: string,
  shadow: string,
  tap: Record<string, unknown> = {},
): Promise<{ url: string; metrics: MetricsHarness; records: () => TapRecord[] }> {
  const publisher = new MemoryPublisher();
  const metrics = metricsHarness();
  const handle = await startTap({
    config: tapConfig({ mode: 'mirror', primary, shadow, buffer: { lingerMs: 1 }, ...tap }),
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
  return { url: handle.url, metrics, records };
}

const byRole = (records: TapRecord[], role: string) => records.filter((r) => r.role === role);
const outcome = (m: MetricsHarness, o: string) => m.value('shadow.tap.selfcheck', { outcome: o });

describe('tap self-check (mirror mode): the primary asked a second time', () => {
  it('sends the first K requests of each new route to the primary again, marked, as role secondary', async () => {
    const primary = await primaryServer();
    const shadow = await plainServer();
    const tap = await mirror(primary.url, shadow.url, {
      selfCheck: { firstPerRoute: 2, percent: 0 },
    });
    // One route (ids are templated) and a second one.
    for (const id of [1, 2, 3, 4])
      expect((await fetchRaw(`${tap.url}/items/${id}`)).status).toBe(200);
    expect((await fetchRaw(`${tap.url}/users/7`)).status).toBe(200);
    await waitFor('every half published', () => tap.records().length === 5 * 2 + 3);

    expect(unmarked(primary).map((r) => r.url)).toEqual([
      '/items/1',
      '/items/2',
      '/items/3',
      '/items/4',
      '/users/7',
    ]);
    expect(marked(primary).map((r) => r.url)).toEqual(['/items/1', '/items/2', '/users/7']);
    const records = tap.records();
    const secondaries = byRole(records, 'secondary');
    expect(secondaries.map((r) => r.request.url).sort()).toEqual([
      '/items/1',
      '/items/2',
      '/users/7',
    ]);
    for (const s of secondaries) {
      const first = byRole(records, 'primary').find((p) => p.traceId === s.traceId)!;
      // The second answer is the primary's own (its call counter moved on).
      expect(JSON.parse(Buffer.from(s.response!.body).toString())).not.toEqual(
        JSON.parse(Buffer.from(first.response!.body).toString()),
      );
    }
    // Every half says which roles its trace has.
    const checked = new Set(secondaries.map((s) => s.traceId));
    for (const r of records) {
      expect(readTraceRoles(r)).toEqual(
        checked.has(r.traceId) ? ['primary', 'shadow', 'secondary'] : ['primary', 'shadow'],
      );
    }
    // The trace id travels with the copy, like with the shadow's.
    expect(marked(primary)[0]!.headers.traceparent).toBe(unmarked(primary)[0]!.headers.traceparent);
    expect(await outcome(tap.metrics, 'sent')).toBe(3);
    expect(await tap.metrics.value('shadow.tap.requests', { role: 'secondary' })).toBe(3);
  });

  it('never sends a POST to the primary twice, even on a route whose writes are mirrored', async () => {
    const primary = await primaryServer();
    const shadow = await plainServer();
    const tap = await mirror(primary.url, shadow.url, {
      mirror: { writeRoutes: ['POST /orders'] },
      selfCheck: { firstPerRoute: 3, percent: 100 },
    });
    for (let i = 0; i < 4; i++) {
      const res = await fetchRaw(`${tap.url}/orders`, { method: 'POST', body: `{"n":${i}}` });
      expect(res.status).toBe(200);
    }
    await waitFor('every pair published', () => tap.records().length === 8);
    expect(primary.seen.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'POST']);
    expect(marked(primary)).toEqual([]);
    expect(shadow.seen.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'POST']);
    expect(byRole(tap.records(), 'secondary')).toEqual([]);
    expect(await outcome(tap.metrics, 'skipped_unsafe')).toBe(4);
    expect(await outcome(tap.metrics, 'sent')).toBe(0);
  });

  it('never delays the client: a primary answering the second call after 2 s', async () => {
    const primary = await primaryServer(() => new Promise((r) => setTimeout(r, 2_000)));
    const shadow = await plainServer();
    const tap = await mirror(primary.url, shadow.url, { selfCheck: { timeoutMs: 10_000 } });
    const res = await fetchRaw(`${tap.url}/slow-twice`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ call: 1, method: 'GET' });
    // The client has its whole answer while the second call is still unanswered.
    expect(primary.answered).toBe(0);
    await waitFor('the second call sent', () => marked(primary).length === 1);
    expect(primary.answered).toBe(0);
    // The trace is published once the copy answered, all three halves together.
    expect(tap.records()).toEqual([]);
    await waitFor('the trio published', () => tap.records().length === 3);
    expect(primary.answered).toBe(1);
    expect(byRole(tap.records(), 'secondary')[0]!.response?.status).toBe(200);
  });

  it('a copy over its timeout is a secondary half with a timeout error, counted, and the pair is not held', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    cleanup.push(() => Promise.resolve(release()));
    const primary = await primaryServer(() => gate);
    const shadow = await plainServer();
    const tap = await mirror(primary.url, shadow.url, { selfCheck: { timeoutMs: 100 } });
    expect((await fetchRaw(`${tap.url}/stuck`)).status).toBe(200);
    await waitFor('the trio published', () => tap.records().length === 3);
    const secondary = byRole(tap.records(), 'secondary')[0]!;
    expect(secondary.response).toBeUndefined();
    expect(secondary.error?.kind).toBe('timeout');
    expect(await outcome(tap.metrics, 'timeout')).toBe(1);
    expect(
      await tap.metrics.value('shadow.tap.upstream.errors', { role: 'secondary', kind: 'timeout' }),
    ).toBe(1);
  });

  it('respects its in-flight cap: copies past it are skipped and counted, never queued', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    cleanup.push(() => Promise.resolve(release()));
    const primary = await primaryServer(() => gate);
    const shadow = await plainServer();
    const tap = await mirror(primary.url, shadow.url, {
      selfCheck: { maxInFlight: 1, firstPerRoute: 10, timeoutMs: 30_000 },
    });
    for (let i = 0; i < 3; i++) expect((await fetchRaw(`${tap.url}/capped`)).status).toBe(200);
    await waitFor('the two uncopied pairs published', () => tap.records().length === 4);
    expect(marked(primary)).toHaveLength(1);
    expect(await outcome(tap.metrics, 'sent')).toBe(1);
    expect(await outcome(tap.metrics, 'skipped_inflight')).toBe(2);
    release();
    await waitFor('the copied trio published', () => tap.records().length === 7);
    // Once the slot is free, the route still has self-checks left.
    expect((await fetchRaw(`${tap.url}/capped`)).status).toBe(200);
    await waitFor('a second copy', () => marked(primary).length === 2);
  });

  it('tap.selfCheck.enabled=false turns it off', async () => {
    const primary = await primaryServer();
    const shadow = await plainServer();
    const tap = await mirror(primary.url, shadow.url, {
      selfCheck: { enabled: false, percent: 100 },
    });
    for (let i = 0; i < 3; i++) expect((await fetchRaw(`${tap.url}/quiet`)).status).toBe(200);
    await waitFor('every pair published', () => tap.records().length === 6);
    expect(marked(primary)).toEqual([]);
    expect(primary.seen).toHaveLength(3);
    expect(byRole(tap.records(), 'secondary')).toEqual([]);
    for (const r of tap.records()) expect(readTraceRoles(r)).toEqual(['primary', 'shadow']);
    expect(await outcome(tap.metrics, 'sent')).toBe(0);
  });

  it('tap.secondary sends the copies to a separate second primary instance (Diffy design)', async () => {
    const primary = await primaryServer();
    const second = await primaryServer();
    const shadow = await plainServer();
    const tap = await mirror(primary.url, shadow.url, {
      secondary: second.url,
      selfCheck: { firstPerRoute: 1, percent: 0 },
    });
    for (let i = 0; i < 2; i++) expect((await fetchRaw(`${tap.url}/two`)).status).toBe(200);
    await waitFor('every half published', () => tap.records().length === 5);
    expect(primary.seen).toHaveLength(2);
    expect(marked(primary)).toEqual([]);
    expect(marked(second).map((r) => r.url)).toEqual(['/two']);
  });

  it('a steady percent sample after the first K, and at most maxRoutes routes remembered', async () => {
    const primary = await primaryServer();
    const shadow = await plainServer();
    const all = await mirror(primary.url, shadow.url, {
      selfCheck: { firstPerRoute: 0, percent: 100 },
    });
    for (let i = 0; i < 3; i++) expect((await fetchRaw(`${all.url}/every/${i}`)).status).toBe(200);
    await waitFor('three trios', () => all.records().length === 9);
    expect(await outcome(all.metrics, 'sent')).toBe(3);

    const capped = await primaryServer();
    const tap = await mirror(capped.url, shadow.url, {
      selfCheck: { firstPerRoute: 1, percent: 0, maxRoutes: 1 },
    });
    for (const path of ['/a', '/b', '/a', '/b']) {
      expect((await fetchRaw(`${tap.url}${path}`)).status).toBe(200);
    }
    await waitFor('every half', () => tap.records().length === 9);
    // Only the first route fitted in the map; /b is left to the (here zero) steady sample.
    expect(marked(capped).map((r) => r.url)).toEqual(['/a']);
  });

  it("requests of a burst that arrive while the route's first copies are out are checked too", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    cleanup.push(() => Promise.resolve(release()));
    const primary = await primaryServer(() => gate);
    const shadow = await plainServer();
    const tap = await mirror(primary.url, shadow.url, {
      selfCheck: { firstPerRoute: 1, percent: 0 },
    });
    // The first copy is held: the route has no answered self-check yet, so each request gets one.
    for (let i = 0; i < 3; i++) expect((await fetchRaw(`${tap.url}/burst`)).status).toBe(200);
    await waitFor('three copies out', () => marked(primary).length === 3);
    release();
    await waitFor('three trios', () => tap.records().length === 9);
    // K copies ended: the route is done.
    expect((await fetchRaw(`${tap.url}/burst`)).status).toBe(200);
    await waitFor('the plain pair', () => tap.records().length === 11);
    expect(marked(primary)).toHaveLength(3);
  });
});
