/**
 * `shadowdiff replay` on a HAR recorded by a real browser: Debian's Chromium, driven by
 * playwright-core with `recordHar`, loads a page of a test server that calls its JSON API (GETs and
 * one POST); the HAR is then replayed to a primary and a shadow test server whose
 * `/api/orders/{id}` drifts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ordersApi, startUpstream } from './upstreams.test-kit.js';
import type { Upstream } from './upstreams.test-kit.js';

const CHROMIUM = '/usr/bin/chromium';
/** Headless, and kept off the network: no sync, updates, field trials, QUIC probes or proxy. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-proxy-server',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const API_CALLS = [
  '/api/users/1',
  '/api/users/2',
  '/api/orders/1',
  '/api/orders/2',
  '/api/orders/3',
  '/api/products/5?currency=EUR',
];

/**
 * The page the browser loads: a stylesheet from another origin (a CDN: a third-party request),
 * then it calls the API in order, POSTs an order, and says it is done.
 */
const page = (cdn: string) => `<!doctype html><html><head><title>shop</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="${cdn}/theme.css"></head>
<body><script>
(async () => {
  for (const path of ${JSON.stringify(API_CALLS)}) await (await fetch(path)).json();
  await fetch('/api/orders', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ item: 'book' }) });
  document.title = 'done';
})();
</script></body></html>`;

interface HarDoc {
  log: { creator: { name: string }; entries: { request: { method: string; url: string } }[] };
}

describe('shadowdiff replay --from a HAR recorded by Chromium', () => {
  let dir: string;
  let har: string;
  let recorded: Upstream;
  let cdn: Upstream;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (or \`bash infra/local/ensure-tools.sh\`)`,
      );
    }
    dir = mkdtempSync(join(tmpdir(), 'shadowdiff-replay-har-'));
    har = join(dir, 'shop.har');
    const api = ordersApi('primary');
    // Another origin for the browser: localhost, where the page is on 127.0.0.1.
    cdn = await startUpstream(() => ({ body: 'body{}', headers: { 'content-type': 'text/css' } }));
    const cdnUrl = cdn.url.replace('127.0.0.1', 'localhost');
    recorded = await startUpstream((req) => (req.url === '/' ? { body: page(cdnUrl) } : api(req)));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    try {
      const context = await browser.newContext({ recordHar: { path: har, content: 'embed' } });
      const page = await context.newPage();
      await page.goto(`${recorded.url}/`);
      // A string: this package is compiled without the DOM lib.
      await page.waitForFunction('document.title === "done"');
      // The HAR is written when the context closes.
      await context.close();
    } finally {
      await browser.close();
    }
  }, 120_000);

  afterAll(async () => {
    await recorded?.close();
    await cdn?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('replays the safe requests to both sides, finds the drifting route, writes the report, exits 1', async () => {
    const doc = JSON.parse(readFileSync(har, 'utf8')) as HarDoc;
    const recordedRequests = doc.log.entries.map(
      (e) =>
        `${e.request.method} ${new URL(e.request.url).pathname}${new URL(e.request.url).search}`,
    );
    // What Chromium recorded: the page, the CDN's stylesheet, each API call, the POST.
    expect(recordedRequests).toEqual(
      expect.arrayContaining([
        'GET /',
        'GET /theme.css',
        ...API_CALLS.map((p) => `GET ${p}`),
        'POST /api/orders',
      ]),
    );
    expect(cdn.seen.map((r) => r.url)).toEqual(['/theme.css']);
    // Replayed: the page's own GETs; not the POST, not the third-party stylesheet.
    const gets = recordedRequests.filter(
      (r) => r.startsWith('GET ') && r !== 'GET /theme.css',
    ).length;

    const primary = await startUpstream((req) =>
      req.url === '/' ? { body: page('') } : ordersApi('primary')(req),
    );
    const shadow = await startUpstream((req) =>
      req.url === '/' ? { body: page('') } : ordersApi('shadow')(req),
    );
    try {
      const report = join(dir, 'evidence.md');
      const run = await cli([
        'replay',
        '--from',
        har,
        '--primary',
        primary.url,
        '--shadow',
        shadow.url,
        '--min-pairs',
        '5',
        '--max-diff-rate',
        '10%',
        '--report',
        report,
      ]);
      // The drift table: the orders route drifts on /total in all its pairs, the others are clean.
      expect(run.stdout).toMatch(/GET \/api\/orders\/\{id\}\s+3\s+100\.0%\s+0\s+\/total ×3 \[/);
      expect(run.stdout).toMatch(/GET \/api\/users\/\{id\}\s+2\s+0\.0%/);
      expect(run.stdout).toMatch(/GET \/api\/products\/\{id\}\s+1\s+0\.0%/);
      expect(run.stdout).toContain(
        `${gets} of ${recordedRequests.length} requests replayed from shop.har; 1 skipped: sent to another origin than --origin (third-party requests of the page); 1 skipped: writes (not a safe method; pass --allow-writes)`,
      );
      expect(run.stderr).toContain(`replaying the requests shop.har sent to ${recorded.url}`);
      expect(run.stdout).toContain('shadowdiff gate: FAIL (exit 1)');
      expect(run.code).toBe(1);

      // Each side got exactly the browser's GETs, with the browser's own headers, and no POST.
      for (const side of [primary, shadow]) {
        expect(side.seen.map((r) => r.method)).not.toContain('POST');
        expect(side.seen.map((r) => r.url)).not.toContain('/theme.css');
        expect(side.seen).toHaveLength(gets);
        const users = side.seen.find((r) => r.url === '/api/users/1')!;
        expect(users.headers['user-agent']).toMatch(/Chrome\//);
      }
      expect(shadow.seen.find((r) => r.url === '/api/orders/1')!.headers['x-shadow-request']).toBe(
        '1',
      );

      const evidence = readFileSync(report, 'utf8');
      expect(evidence).toMatch(/^# Shadow evidence: /);
      expect(evidence).toMatch(/\| GET \/api\/orders\/\{id\} \| body \/total \| 3 \| 100\.00% \|/);
      expect(evidence).toContain('replay.file=shop.har');
    } finally {
      await primary.close();
      await shadow.close();
    }
  }, 60_000);
});
