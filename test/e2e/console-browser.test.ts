/**
 * End to end in a real browser: sample services with seeded drift behind the mirror tap, the worker
 * on the in-memory adapters, the console over its sample store, and Debian's Chromium driven by
 * playwright-core. Screenshots land in .artifacts/console-e2e/ (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@shadowdiff/testkit';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DRIFT_EVERY,
  DRIFT_PATH,
  DRIFT_ROUTE,
  NOISE_PATH,
  NOISE_ROUTE,
  startConsolePipeline,
} from './console-pipeline.js';
import type { ConsolePipeline } from './console-pipeline.js';

const CHROMIUM = '/usr/bin/chromium';
/** Headless, and kept off the network: no sync, updates, field trials or QUIC probes. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = fileURLToPath(new URL('../../.artifacts/console-e2e/', import.meta.url));
const ORDERS = 200;
const USERS = 60;
const PRODUCTS = 80;

describe('console in a real browser over a real pipeline run', () => {
  let pipeline: ConsolePipeline;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (or \`bash infra/local/ensure-tools.sh\`)`,
      );
    }
    pipeline = await startConsolePipeline();
    for (let i = 1; i <= ORDERS; i++) expect(await pipeline.get(`/orders/${i}`)).toBe(200);
    for (let i = 1; i <= USERS; i++) expect(await pipeline.get(`/users/${i}`)).toBe(200);
    for (let i = 1; i <= PRODUCTS; i++) expect(await pipeline.get(`/products/${i}`)).toBe(200);
    await waitFor(
      'every mirrored request judged and in the sample store',
      async () => {
        const s = await pipeline.samples.stats({
          service: 'shop',
          route: DRIFT_ROUTE,
          from: Date.now() - 600_000,
          to: Date.now() + 60_000,
        });
        return (
          s.pairs === ORDERS && pipeline.worker.counters.verdicts === ORDERS + USERS + PRODUCTS
        );
      },
      30_000,
    );
    await waitFor('the seeded counter learned as noise', async () =>
      (await pipeline.noise.list('shop')).some(
        (l) => l.route === NOISE_ROUTE && l.path === NOISE_PATH && l.status === 'learned',
      ),
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'shadowdiff-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1440, height: 960 },
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await pipeline?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('lists the drifting route with its rate and leads to an example highlighting the seeded field', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pipeline.console.url);

    // Overview: the drifting route with the seeded rate, the clean route at 0.
    const row = page.locator(`tr[data-route="${DRIFT_ROUTE}"]`);
    await row.waitFor();
    const expected = `${((100 * Math.floor(ORDERS / DRIFT_EVERY)) / ORDERS).toFixed(2)}%`;
    expect(await row.locator('.diff-rate .value').textContent()).toBe(expected);
    expect(await row.locator('td').nth(1).textContent()).toBe(String(ORDERS));
    expect(
      await page.locator('tr[data-route="GET /users/{id}"] .diff-rate .value').textContent(),
    ).toBe('0.00%');
    await page.screenshot({ path: `${ARTIFACTS}overview.png`, fullPage: true });

    // Route detail: the seeded field leads the tree with every drifting order counted.
    await row.locator('a.route-name').click();
    const field = page.locator(`.tree tr[data-kind="body"][data-path="${DRIFT_PATH}"]`);
    await field.waitFor();
    expect(await field.locator('td').nth(1).textContent()).toBe(String(ORDERS / DRIFT_EVERY));
    await field.click();
    const example = page.locator('.examples-list a.example').first();
    await example.waitFor();
    await page.screenshot({ path: `${ARTIFACTS}route.png`, fullPage: true });

    // Example: primary | shadow side by side, the seeded field highlighted on both sides.
    await example.click();
    await page.locator('.side.shadow .ln.hl').first().waitFor();
    for (const side of ['primary', 'shadow']) {
      const highlighted = page.locator(`.side.${side} .ln.hl`);
      // Runs in the page: read the attribute rather than the DOM-typed dataset.
      const paths = await highlighted.evaluateAll((els) =>
        els.map((el) => el.getAttribute('data-path')),
      );
      expect(paths).toEqual([DRIFT_PATH]);
      expect(await highlighted.first().textContent()).toMatch(/^\s*"total": \d+(\.\d+)?,$/);
    }
    const finding = page.locator('.finding').first();
    expect(await finding.getAttribute('data-path')).toBe(DRIFT_PATH);
    await page.screenshot({ path: `${ARTIFACTS}example.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('shows a route the primary served but never mirrored, from the tap census', async () => {
    for (let i = 0; i < 5; i++) expect(await pipeline.send('POST', '/orders')).toBe(201);
    // The census publishes once a minute, and on close: close the tap to take it now.
    await pipeline.tap.close();
    await waitFor('census counted', async () => {
      const s = await pipeline.samples.stats({
        service: 'shop',
        route: 'POST /orders',
        from: Date.now() - 600_000,
        to: Date.now() + 60_000,
      });
      return s.unmirrored.method === 5;
    });
    const page = await context.newPage();
    await page.goto(pipeline.console.url);
    const cell = page.locator('tr[data-route="POST /orders"] .not-mirrored');
    await cell.waitFor();
    expect(await cell.textContent()).toBe('not mirrored · 5 requests');
    await page.screenshot({ path: `${ARTIFACTS}overview-unmirrored.png`, fullPage: true });
  });

  it('recounts the noise route with its learned noise and says so on the route page', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pipeline.console.url);
    // Every product pair differed only in the learned counter: recounted, none is drift.
    const cell = page.locator(`tr[data-route="${NOISE_ROUTE}"] td.diff-rate`);
    await cell.waitFor();
    expect(await cell.getAttribute('class')).toContain('recounted');
    expect(await cell.locator('.value').textContent()).toBe('0.00%');
    expect(await cell.getAttribute('title')).toContain(`body ${NOISE_PATH}`);
    await page.locator(`tr[data-route="${NOISE_ROUTE}"] a.route-name`).click();
    const recount = page.locator('.findings-panel .recount-line');
    await recount.waitFor();
    expect(await recount.textContent()).toMatch(/recounted Diff rate \d+\.\d+% → 0\.00%/);
    expect(await page.locator('.findings-panel').textContent()).toContain('Latency:');
    await page.screenshot({ path: `${ARTIFACTS}route-recounted.png`, fullPage: true });
    // The drifting route's most severe finding leads its overview cell.
    await page.goto(pipeline.console.url);
    const worst = page.locator(`tr[data-route="${DRIFT_ROUTE}"] .route-findings .finding-worst`);
    await worst.waitFor();
    expect(await worst.textContent()).toContain(`body ${DRIFT_PATH}`);
    expect(errors).toEqual([]);
  });

  it('lists learned noise with its evidence, and a rejection reaches the store', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${pipeline.console.url}/#/noise`);
    const row = page.locator('table.noise tbody tr').filter({ hasText: NOISE_PATH });
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('learned');
    expect(await row.textContent()).toContain(NOISE_ROUTE);
    expect(await row.textContent()).toContain('counter');
    await page.screenshot({ path: `${ARTIFACTS}noise.png`, fullPage: true });

    await row.locator('button[data-decision="rejected"]').click();
    await page.locator('.filter-tabs button[data-filter="rejected"]').click();
    const rejected = page
      .locator(`table.noise tbody tr[data-state="rejected"]`)
      .filter({ hasText: NOISE_PATH });
    await rejected.waitFor();
    const listed = await pipeline.noise.list('shop');
    expect(listed.find((l) => l.route === NOISE_ROUTE && l.path === NOISE_PATH)?.status).toBe(
      'rejected',
    );
    expect(errors).toEqual([]);
  });
});
