import { randomBytes } from 'node:crypto';
import { RedisSampleStore } from '@shadowdiff/redis';
import { scopedRedis, waitFor } from '@shadowdiff/testkit';
import type { ScopedRedis } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { runGate } from './gate/run-gate.js';
import { buildEvidence } from './report/evidence.js';
import { renderMarkdown } from './report/render-markdown.js';
import { embeddedWorker } from './test-worker.test-kit.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const token = () => randomBytes(18).toString('base64url') + '7';

// The worker skips a batch's samples while too many writes are in flight (best effort); the
// in-memory bus hands it one trace per batch, so each trace waits for its write here.
describe('recount and latency drift over the Redis sample store', () => {
  it('gives the same recounted diff rate and latency finding as in memory', async () => {
    const scope: ScopedRedis = await scopedRedis('findings');
    const samples = new RedisSampleStore({ client: scope.client, keyPrefix: scope.prefix });
    const h = await embeddedWorker({ noise: { minSamples: 30 } }, samples);
    cleanup = async () => {
      await h.close();
      await scope.cleanup();
    };
    for (let i = 0; i < 40; i++) {
      await h.trace(`/orders/${i + 1}`, {
        primary: { body: { id: i, total: 10, requestToken: token() }, durationMs: 10 },
        shadow: { body: { id: i, total: 10, requestToken: token() }, durationMs: 30 },
      });
      await h.settled(i + 1);
    }
    await waitFor('learned', async () =>
      (await h.catalog.list('shop')).some(
        (e) => e.path === '/requestToken' && e.status === 'learned',
      ),
    );
    for (let i = 40; i < 60; i++) {
      await h.trace(`/orders/${i + 1}`, {
        primary: { body: { id: i, total: 10, requestToken: token() }, durationMs: 10 },
        shadow: {
          body: { id: i, total: i % 4 === 0 ? 11 : 10, requestToken: token() },
          durationMs: 30,
        },
      });
      await h.settled(i + 1);
    }
    const tokenOnly = h.verdicts.filter(
      (v) => v.outcome === 'diff' && v.diffs.every((d) => d.path === '/requestToken'),
    ).length;
    expect(tokenOnly).toBeGreaterThanOrEqual(30);
    const range = { from: Date.now() - 3_600_000, to: Date.now() + 60_000 };
    const row = (await h.data.overview(range)).rows.find((r) => r.route === 'GET /orders/{id}')!;
    expect(row.outcomes.diff).toBe(5);
    expect(row.recount?.pairs).toBe(tokenOnly);
    expect(row.latency.drift).toMatchObject({ status: 'slower', pairs: 60 });
    const md = renderMarkdown(await buildEvidence(h.data, h.config, range, Date.now()));
    expect(md).toContain('8.33% recounted');
    expect(md).toMatch(/\| GET \/orders\/\{id\} \| 60 \| [23]\.\d\dx \|/);
    const g = await runGate(h.data, {
      service: 'shop',
      maxDiffRate: 0.1,
      minPairs: 50,
      windowMs: 3_600_000,
      now: range.to,
      maxLatencyRatio: 1.5,
    });
    expect(g.checks.map((c) => [c.name, c.status])).toEqual([
      ['pairs', 'ok'],
      ['diff-rate', 'ok'],
      ['latency-ratio', 'fail'],
    ]);
    expect(g.exitCode).toBe(1);
  });
});
