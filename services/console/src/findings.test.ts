import { randomBytes } from 'node:crypto';
import { exportRules } from '@shadowdiff/engine';
import { waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { formatGate } from './gate/gate-format.js';
import { runGate } from './gate/run-gate.js';
import type { GateRequest } from './gate/run-gate.js';
import { buildEvidence } from './report/evidence.js';
import { renderHtml } from './report/render-html.js';
import { renderMarkdown } from './report/render-markdown.js';
import { embeddedWorker } from './test-worker.test-kit.js';

type Harness = Awaited<ReturnType<typeof embeddedWorker>>;
let current: Harness | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const token = () => randomBytes(18).toString('base64url') + '7';
const range = () => ({ from: Date.now() - 3_600_000, to: Date.now() + 60_000 });
const gate = (h: Harness, over: Partial<GateRequest>) =>
  runGate(h.data, {
    service: 'shop',
    maxDiffRate: 1,
    minPairs: 1,
    windowMs: 3_600_000,
    now: Date.now() + 60_000,
    ...over,
  });

describe('retroactive recount', () => {
  it('recounts pairs judged before a path was learned as noise over the whole range', async () => {
    const h = await embeddedWorker({ noise: { minSamples: 30 } });
    current = h;
    const url = (i: number) => `/orders/${i + 1}`;
    for (let i = 0; i < 40; i++) {
      await h.trace(url(i), {
        primary: { body: { id: i, total: 10, requestToken: token() } },
        shadow: { body: { id: i, total: 10, requestToken: token() } },
      });
    }
    await h.settled(40);
    await waitFor('learned', async () =>
      (await h.catalog.list('shop')).some(
        (e) => e.path === '/requestToken' && e.status === 'learned',
      ),
    );
    for (let i = 40; i < 60; i++) {
      await h.trace(url(i), {
        primary: { body: { id: i, total: 10, requestToken: token() } },
        shadow: { body: { id: i, total: i % 4 === 0 ? 11 : 10, requestToken: token() } },
      });
    }
    await h.settled(60);
    const drifting = h.verdicts.filter((v) => v.diffs.some((d) => d.path === '/total')).length;
    const tokenOnly = h.verdicts.filter(
      (v) => v.outcome === 'diff' && v.diffs.every((d) => d.path === '/requestToken'),
    ).length;
    expect(drifting).toBe(5);
    // The learner needed evidence first: the early pairs were judged as diffs.
    expect(tokenOnly).toBeGreaterThanOrEqual(30);

    // Without the noise catalog the stored figures are what was judged at the time...
    const raw = await h.samples.stats({ service: 'shop', route: 'GET /orders/{id}', ...range() });
    expect(raw.outcomes.diff).toBe(tokenOnly + drifting);
    // ... the console recounts them as if the decision had held from the first pair.
    const overview = await h.data.overview(range());
    const row = overview.rows.find((r) => r.route === 'GET /orders/{id}')!;
    expect(row.compared).toBe(60);
    expect(row.outcomes.diff).toBe(drifting);
    expect(row.diffRate).toBeCloseTo(5 / 60, 10);
    expect(row.topPath).toEqual({ kind: 'body', path: '/total', total: 5 });
    expect(row.recount).toMatchObject({
      pairs: tokenOnly,
      before: { diff: tokenOnly + drifting },
      approximate: false,
      paths: [{ kind: 'body', path: '/requestToken', state: 'learned', findings: tokenOnly }],
    });
    expect(overview.totals.diffRate).toBeCloseTo(5 / 60, 10);

    const detail = await h.data.route('shop', 'GET /orders/{id}', range());
    expect(detail.row.diffRate).toBeCloseTo(5 / 60, 10);
    // The verdicts-over-time chart is recounted bucket by bucket too.
    const seriesDiff = detail.series.reduce((n, b) => n + (b.outcomes.diff ?? 0), 0);
    const seriesMatch = detail.series.reduce((n, b) => n + (b.outcomes.match ?? 0), 0);
    expect([seriesDiff, seriesMatch]).toEqual([drifting, 60 - drifting]);
    expect(detail.series.every((b) => !('diffSets' in b))).toBe(true);
    const tokenNode = detail.tree
      .flatMap((n) => [n, ...n.children])
      .find((n) => n.path === '/requestToken');
    expect(tokenNode).toMatchObject({ total: 0, suppressed: 60, noise: { state: 'learned' } });

    const report = await buildEvidence(h.data, h.config, range(), Date.now());
    expect(report.recount.recounted).toBe(true);
    expect(report.recount.routes).toEqual([
      expect.objectContaining({ route: 'GET /orders/{id}', pairs: tokenOnly }),
    ]);
    expect(report.topFields.map((f) => f.path)).toEqual(['/total']);
    const md = renderMarkdown(report);
    expect(md).toContain('## Recounted');
    expect(md).toMatch(/GET \/orders\/\{id\}: diff rate \d+\.\d+% → 8\.33% recounted/);
    expect(md).toContain('Figures recounted: diff rate');
    expect(renderHtml(report)).toContain('<h2>Recounted</h2>');

    // The gate decides on the recounted rate: 8.33% passes a 10% limit it would fail unrecounted.
    const g = await gate(h, { maxDiffRate: 0.1, minPairs: 50 });
    expect(g.exitCode).toBe(0);
    expect(g.totals.diffRate).toBeCloseTo(5 / 60, 10);
    expect(formatGate(g)).toContain(
      `recounted GET /orders/{id}: ${tokenOnly} earlier diff pairs now match (noise body /requestToken)`,
    );
    expect(g.recounted).toEqual([
      {
        route: 'GET /orders/{id}',
        pairs: tokenOnly,
        paths: ['body /requestToken'],
        approximate: false,
      },
    ]);

    // A rejection undoes it: the pairs count as judged again.
    const entry = (await h.data.noiseEntries('shop')).find((e) => e.path === '/requestToken')!;
    await h.noise.decide(entry.id, 'rejected');
    const after = (await h.data.overview(range())).rows.find(
      (r) => r.route === 'GET /orders/{id}',
    )!;
    expect(after.recount).toBeUndefined();
    expect(after.outcomes.diff).toBe(raw.outcomes.diff);
    expect((await gate(h, { maxDiffRate: 0.1, minPairs: 50 })).exitCode).toBe(1);
  });
});

describe('latency drift, severity and array locations from real verdicts', () => {
  it('flags the 3x slower route, not the noisy equal one; ranks a 503 over a frequent field; shows at', async () => {
    const h = await embeddedWorker({ noise: { learn: false } });
    current = h;
    let seed = 17;
    const rand = () => (seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
    let traces = 0;
    for (let i = 0; i < 12; i++, traces++) {
      const primary = 8 + rand() * 4;
      await h.trace(`/slow/${i + 1}`, {
        primary: { body: { ok: true }, durationMs: primary },
        shadow: { body: { ok: true }, durationMs: primary * 3 },
      });
    }
    for (let i = 0; i < 60; i++, traces++) {
      await h.trace(`/noisy/${i + 1}`, {
        primary: { body: { ok: true }, durationMs: 5 + rand() * 200 },
        shadow: { body: { ok: true }, durationMs: 5 + rand() * 200 },
      });
    }
    for (let i = 0; i < 30; i++, traces++) {
      const broken = i % 10 === 0;
      await h.trace(`/invoices/${i + 1}`, {
        primary: { body: { id: i, total: 10 } },
        shadow: { body: { id: i, total: 11 }, ...(broken ? { status: 503 } : {}) },
      });
    }
    const cart = (price: number) => ({
      items: [
        { sku: 'SKU-66-0', qty: 1, price: 5 },
        { sku: 'SKU-66-1', qty: 2, price },
      ],
    });
    for (let i = 0; i < 3; i++, traces++) {
      await h.trace(`/carts/${i + 1}`, { primary: { body: cart(7) }, shadow: { body: cart(8) } });
    }
    await h.settled(traces);

    const overview = await h.data.overview(range());
    const by = new Map(overview.rows.map((r) => [r.route, r]));
    const slow = by.get('GET /slow/{id}')!.latency.drift;
    expect(slow.status).toBe('slower');
    expect(slow.ratio).toBeGreaterThan(2.6);
    expect(slow.ratio).toBeLessThan(3.4);
    expect(by.get('GET /noisy/{id}')!.latency.drift.status).toBe('ok');
    expect(by.get('GET /invoices/{id}')!.latency.drift.status).toBe('ok');

    // 27 pairs change /total, 3 turn 200 into 503 (their bodies are not compared): the 503 is
    // what the overview shows first.
    const invoices = by.get('GET /invoices/{id}')!;
    expect(invoices.topPath).toMatchObject({ kind: 'body', path: '/total', total: 27 });
    expect(invoices.worst).toEqual({
      kind: 'status',
      path: 'status',
      severity: 'critical',
      count: 3,
      total: 3,
    });

    const carts = by.get('GET /carts/{id}')!;
    expect(carts.topPath?.path).toBe('/items/*/price');
    const [example] = await h.data.examples('shop', 'GET /carts/{id}', 'body', '/items/*/price');
    expect(example?.finding).toMatchObject({
      path: '/items/*/price',
      at: '/items[sku=SKU-66-1]/price',
      primary: 7,
      shadow: 8,
    });

    const report = await buildEvidence(h.data, h.config, range(), Date.now());
    const slowRow = report.routes.find((r) => r.route === 'GET /slow/{id}')!;
    expect(slowRow.latency.drift.status).toBe('slower');
    expect(report.latency.slower.map((s) => s.route)).toEqual(['GET /slow/{id}']);
    const cartField = report.topFields.find((f) => f.route === 'GET /carts/{id}')!;
    expect(cartField.example?.at).toBe('/items[sku=SKU-66-1]/price');
    const md = renderMarkdown(report);
    expect(md).toContain('## Latency drift');
    expect(md).toMatch(/\| GET \/slow\/\{id\} \| 12 \| [23]\.\d\dx \|/);
    expect(md).toContain('at /items[sku=SKU-66-1]/price: 7 → 8');
    expect(md).toContain('critical: status');
    expect(md).not.toContain('## Recounted');
    const html = renderHtml(report);
    expect(html).toContain('<h2>Latency drift</h2>');
    expect(html).toContain('at /items[sku=SKU-66-1]/price');

    // Gate: --fail-on critical fails on 3 pairs of 503 whatever the rate; a lenient rate alone passes.
    expect((await gate(h, {})).exitCode).toBe(0);
    const critical = await gate(h, { failOn: 'critical' });
    expect(critical.exitCode).toBe(1);
    expect(critical.checks.find((c) => c.name === 'severity')).toMatchObject({
      status: 'fail',
      actual: 1,
    });
    expect(critical.reasons.join('\n')).toContain(
      'critical finding status on GET /invoices/{id} (3 pairs)',
    );
    expect(formatGate(critical)).toMatch(
      /severity\s+most severe: critical status \(3\)\s+fail on critical\s+FAIL/,
    );
    expect((await gate(h, { failOn: 'critical', route: 'GET /carts/{id}' })).exitCode).toBe(0);
    expect((await gate(h, { failOn: 'minor', route: 'GET /carts/{id}' })).exitCode).toBe(1);
    // --max-latency-ratio: any route significantly slower than the ratio fails.
    const latency = await gate(h, { maxLatencyRatio: 1.5 });
    expect(latency.exitCode).toBe(1);
    expect(latency.reasons.join('\n')).toMatch(
      /GET \/slow\/\{id\} is [23]\.\d\dx slower on the shadow/,
    );
    expect(formatGate(latency)).toMatch(
      /latency\s+shadow [23]\.\d\dx the primary on the same requests/,
    );
    expect((await gate(h, { maxLatencyRatio: 4 })).exitCode).toBe(0);
    expect((await gate(h, { maxLatencyRatio: 1.5, route: 'GET /noisy/{id}' })).exitCode).toBe(0);
    // Too few paired latencies to tell: not a pass.
    expect((await gate(h, { maxLatencyRatio: 1.5, route: 'GET /carts/{id}' })).exitCode).toBe(2);
  });
});

describe('noise on keyed arrays', () => {
  it('learns, recounts and exports the template path, while examples name the element', async () => {
    const h = await embeddedWorker({ noise: { minSamples: 30 } });
    current = h;
    const body = (i: number) => ({
      items: [
        { sku: 'A-1', qty: 1, token: token() },
        { sku: 'B-2', qty: i % 7 === 0 ? 3 : 2, token: token() },
      ],
    });
    for (let i = 0; i < 40; i++) {
      await h.trace(`/baskets/${i + 1}`, { primary: { body: body(i) }, shadow: { body: body(i) } });
    }
    await h.settled(40);
    await waitFor('learned', async () =>
      (await h.catalog.list('shop')).some(
        (e) => e.path === '/items/*/token' && e.status === 'learned',
      ),
    );
    const [example] = await h.data.examples('shop', 'GET /baskets/{id}', 'body', '/items/*/token');
    expect(example?.finding?.at).toMatch(/^\/items\[sku=(A-1|B-2)\]\/token$/);
    const row = (await h.data.overview(range())).rows.find((r) => r.route === 'GET /baskets/{id}')!;
    expect(row.recount?.paths.map((p) => p.path)).toEqual(['/items/*/token']);
    // Only the pairs whose qty differs by design stay diffs.
    expect(row.outcomes.diff).toBe(
      h.verdicts.filter((v) => v.diffs.some((d) => d.path === '/items/*/qty')).length,
    );
    const yaml = exportRules(await h.catalog.list('shop'), { service: 'shop', generatedAt: 'now' });
    expect(yaml).toContain('"/items/*/token"');
    expect(yaml).not.toContain('[sku=');
  });
});
