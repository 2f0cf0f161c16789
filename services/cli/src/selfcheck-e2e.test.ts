/**
 * Issue 14.5 end to end, embedded: a real mirror tap in front of real HTTP servers written here,
 * records on the in-memory bus, a real worker (memory stores, noise learning on). The primary's
 * answers carry a random 16-character base64url `cursor` and a timing `tookMs` — non-deterministic
 * on the primary itself, which is what the tap's self-check proves from the first pair of a route.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { decodeVerdict, validateConfig } from '@shadowdiff/contracts';
import type { Verdict } from '@shadowdiff/contracts';
import {
  MemoryBus,
  MemoryNoiseStore,
  MemoryPendingStore,
  MemorySampleStore,
  TimerOrphanScheduler,
  systemClock,
} from '@shadowdiff/memory';
import { startTap } from '@shadowdiff/tap';
import { waitFor } from '@shadowdiff/testkit';
import { startWorker } from '@shadowdiff/worker';
import { afterEach, describe, expect, it } from 'vitest';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  const steps = cleanup.reverse();
  cleanup = [];
  for (const c of steps) await c();
});

/** A search service: results are deterministic, cursor and tookMs are not (on any instance). */
async function searchService(price: (url: string) => number): Promise<string> {
  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = req.url ?? '/';
    const body = {
      results: [{ id: 'sku-1', price: price(url) }],
      cursor: randomBytes(12).toString('base64url'),
      // A service timing: a plain number that differs between any two calls.
      tookMs: Number(process.hrtime.bigint() - started) / 1e6 + 1 + Math.floor(Math.random() * 50),
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

async function pipeline(selfCheck: Record<string, unknown>) {
  const primary = await searchService(() => 10);
  // The shadow drifts on /search/shoes only: the price there is 11.
  const shadow = await searchService((url) => (url.startsWith('/search/shoes') ? 11 : 10));
  const config = validateConfig({
    service: 'search',
    worker: { windowMs: 2_000 },
    tap: {
      mode: 'mirror',
      primary,
      shadow,
      listen: '127.0.0.1:0',
      adminListen: '127.0.0.1:0',
      buffer: { lingerMs: 1 },
      selfCheck,
    },
  });
  const bus = new MemoryBus({ partitions: 2 });
  const provider = new MeterProvider();
  const worker = await startWorker({
    config,
    source: bus.source(config.kafka.topics.taps, config.worker.groupId),
    publisher: bus.publisher(),
    store: new MemoryPendingStore(),
    scheduler: new TimerOrphanScheduler(),
    samples: new MemorySampleStore(),
    noise: new MemoryNoiseStore(),
    noiseFlushMs: 100,
    meter: provider.getMeter('test'),
    clock: systemClock,
  });
  const verdicts: Verdict[] = [];
  const reader = bus.source(config.kafka.topics.verdicts, 'reader');
  await reader.run((batch) => {
    for (const m of batch) {
      const d = decodeVerdict(m.value);
      if (!d.ok) throw d.error;
      verdicts.push(d.value);
    }
    return Promise.resolve();
  });
  const tap = await startTap({
    config,
    publisher: bus.publisher(),
    meter: provider.getMeter('tap'),
    redactKey: Buffer.from('k'),
    log: () => {},
  });
  cleanup.push(async () => {
    await tap.close();
    await worker.stop();
    await reader.stop();
    await provider.shutdown();
  });
  /** One client request through the tap, then its verdict. */
  const request = async (path: string): Promise<Verdict> => {
    const before = verdicts.length;
    expect(await get(`${tap.url}${path}`)).toBe(200);
    await waitFor(`the verdict of ${path}`, () => verdicts.length === before + 1);
    return verdicts[before]!;
  };
  return { request };
}

const reported = (v: Verdict) => v.diffs.map((d) => d.path).sort();

describe('self-check end to end: noise proven by asking the primary twice', () => {
  it('without self-check, the first pairs of a route are drift at /cursor and /tookMs (the symptom)', async () => {
    const p = await pipeline({ enabled: false });
    const first = await p.request('/search/hats?q=1');
    expect(first.outcome).toBe('diff');
    expect(reported(first)).toEqual(['/cursor', '/tookMs']);
  });

  it('suppresses a random base64url cursor and tookMs from the first pair of a route, and after', async () => {
    const p = await pipeline({ firstPerRoute: 1, percent: 0 });
    const first = await p.request('/search/hats?q=1');
    expect(first.roles).toEqual(['primary', 'shadow', 'secondary']);
    expect(first.outcome).toBe('match');
    expect(
      first.suppressed
        .filter((s) => s.reason === 'secondary')
        .map((s) => s.path)
        .sort(),
    ).toEqual(['/cursor', '/tookMs']);
    // Later pairs of the route have no secondary, and are still right.
    for (let i = 2; i <= 6; i++) {
      const v = await p.request(`/search/hats?q=${i}`);
      expect(v.roles).toEqual(['primary', 'shadow']);
      expect(v.outcome).toBe('match');
    }
    // A real drift, first pair of its route: the price is reported, the noise is not.
    const drift = await p.request('/search/shoes?q=1');
    expect(drift.roles).toEqual(['primary', 'shadow', 'secondary']);
    expect(drift.outcome).toBe('diff');
    expect(reported(drift)).toEqual(['/results/*/price']);
    const again = await p.request('/search/shoes?q=2');
    expect(reported(again)).toEqual(['/results/*/price']);
  });
});
