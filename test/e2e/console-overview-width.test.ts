/**
 * The console's overview in a real browser (Debian's Chromium via playwright-core) at a 1 400 px
 * window with several services and long route names and field paths: the routes table fits
 * the window (no sideways scrolling). Screenshot in .artifacts/console-e2e/ (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '@shadowdiff/contracts';
import type { RouteStatsDelta } from '@shadowdiff/engine';
import { startConsole } from '@shadowdiff/console';
import type { ConsoleHandle } from '@shadowdiff/console';
import { MemorySampleStore } from '@shadowdiff/memory';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
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
const WIDTH = 1_400;

const SERVICES = ['orders-service', 'checkout-gateway-eu-west', 'catalog', 'user-profile-api'];
const ROUTES = [
  'GET /api/v2/organizations/{organizationId}/projects/{projectId}/environments/{environmentId}/deployments',
  'POST /api/v2/organizations/{organizationId}/billing/invoices/{invoiceId}/line-items/search',
  'GET /orders/{id}',
  'GET /catalog/categories/{categoryId}/products/{productId}/variants/{variantId}/availability',
];
const LONG_PATH = '/data/items/*/attributes/pricing/tiers/*/discounts/seasonal/amountInMinorUnits';

function delta(service: string, route: string, minute: number): RouteStatsDelta {
  return {
    service,
    route,
    minute,
    outcomes: { match: 900, diff: 123, orphan: 7, error: 3 },
    late: 1,
    diffs: [{ kind: 'body', path: LONG_PATH, severity: 'major', count: 123 }],
    // Latency histogram buckets by index; wide enough values give multi-digit cells.
    latency: { primary: { 14: 1_000 }, shadow: { 18: 1_000 } },
    responses: { primary: { '2xx': 990, '5xx': 10 }, shadow: { '2xx': 980, '5xx': 20 } },
  };
}

describe('console overview at 1 400 px with several services and long names (real browser)', () => {
  let handle: ConsoleHandle;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (or \`bash infra/local/ensure-tools.sh\`)`,
      );
    }
    const samples = new MemorySampleStore({});
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await samples.record({
      stats: SERVICES.flatMap((s) => ROUTES.map((r) => delta(s, r, minute))),
      examples: [],
    });
    handle = await startConsole({
      config: validateConfig({ service: 'orders-service', console: { listen: '127.0.0.1:0' } }),
      samples,
      log: () => {},
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'shadowdiff-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: WIDTH, height: 900 },
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await handle?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('fits the routes table in the window: no sideways scrolling, every route readable', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(handle.url);
    await page
      .locator('table.routes tbody tr')
      .nth(SERVICES.length * ROUTES.length - 1)
      .waitFor();
    await page.screenshot({ path: `${ARTIFACTS}overview-1400.png`, fullPage: true });
    const m = await page.locator('table.routes').evaluate((table) => {
      const wrap = table.parentElement!;
      const root = table.ownerDocument.documentElement;
      return {
        viewport: root.clientWidth,
        table: table.scrollWidth,
        tableRight: table.getBoundingClientRect().right,
        wrap: { scroll: wrap.scrollWidth, client: wrap.clientWidth },
        page: root.scrollWidth,
        services: table.querySelectorAll('.svc-tag').length,
      };
    });
    expect(m.services).toBe(SERVICES.length * ROUTES.length);
    expect(m.table).toBeLessThanOrEqual(m.viewport);
    expect(m.tableRight).toBeLessThanOrEqual(m.viewport);
    expect(m.wrap.scroll).toBeLessThanOrEqual(m.wrap.client);
    expect(m.page).toBeLessThanOrEqual(m.viewport);
    // The full route name is still there to read (wrapped, not cut).
    const first = page.locator('table.routes a.route-name', { hasText: 'deployments' }).first();
    expect(await first.textContent()).toBe(ROUTES[0]);
    expect(errors).toEqual([]);
  }, 60_000);
});
