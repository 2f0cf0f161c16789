import { configHash, validateConfig } from '@shadowdiff/contracts';
import type { RouteStatsDelta } from '@shadowdiff/engine';
import { MemorySampleStore } from '@shadowdiff/memory';
import { describe, expect, it } from 'vitest';
import { ConsoleData } from '../api/console-data.js';
import { diffVerdict, driftExample, half } from '../api/examples.test-kit.js';

import { buildEvidence, REPORT_SCHEMA } from './evidence.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { renderReport } from './report-command.js';

const NOW = Date.parse('2026-11-26T12:00:30Z');
const minute = Math.floor(NOW / 60_000) * 60_000;
const EVIL = 'GET /a|b/<script>alert(1)</script>';

function delta(route: string, over: Partial<RouteStatsDelta>): RouteStatsDelta {
  return {
    service: 'shop',
    route,
    minute,
    outcomes: {},
    late: 0,
    diffs: [],
    latency: {},
    responses: {},
    ...over,
  };
}

async function evidence() {
  const samples = new MemorySampleStore({ clock: { now: () => NOW } });
  await samples.record({
    stats: [
      delta('GET /orders/{id}', {
        outcomes: { match: 150, diff: 50, orphan: 4 },
        late: 2,
        diffs: [{ kind: 'body', path: '/total', severity: 'minor', count: 50 }],
        latency: { primary: { 6: 204 }, shadow: { 8: 200 } },
        responses: { primary: { '2xx': 204 }, shadow: { '2xx': 196, '5xx': 4 } },
        suppressed: [
          { kind: 'body', path: '/requestId', reason: 'volatile', count: 200 },
          { kind: 'body', path: '(truncated)', reason: 'rule', count: 3 },
        ],
        missing: { shadow: 4 },
      }),
      delta(EVIL, { outcomes: { match: 20 }, latency: { primary: { 3: 20 }, shadow: { 3: 20 } } }),
      delta('POST /orders', { unmirrored: { method: 40 } }),
      delta('GET /legacy', { outcomes: { orphan: 9 }, missing: { shadow: 9 } }),
    ],
    examples: [
      {
        service: 'shop',
        route: 'GET /orders/{id}',
        kind: 'body',
        path: '/total',
        example: driftExample('trace-9'),
      },
    ],
  });
  const config = validateConfig({
    service: 'shop',
    owner: 'team-checkout',
    tap: {
      mode: 'mirror',
      primary: 'http://p',
      shadow: 'http://s',
      mirror: { percent: 50 },
      redact: { headers: ['x-api-key'], jsonPaths: ['/card/number'] },
    },
  });
  const progress: [number, number][] = [];
  const report = await buildEvidence(
    new ConsoleData(samples),
    config,
    { from: NOW - 3_600_000, to: NOW },
    NOW,
    (d, t) => progress.push([d, t]),
  );
  return { report, config, progress };
}

describe('evidence report', () => {
  it('gathers coverage, rates with intervals, drift with examples, isolation and gaps', async () => {
    const { report, config, progress } = await evidence();
    expect(report.schema).toBe(REPORT_SCHEMA);
    expect(report.owner).toBe('team-checkout');
    expect(report.source.configHash).toBe(configHash(config));
    expect(report.source.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.source.taps.map((t) => t.tapId)).toEqual(['tap-primary', 'tap-shadow']);
    expect(report.source.taps[0]!.meta).toEqual({
      mode: ['mirror'],
      traceSource: ['traceparent'],
      version: ['0.1.0'],
    });
    expect(report.source.mirrorPolicy.percent).toBe(50);
    expect(report.coverage.routesCovered).toBe(2);
    const never = [...report.coverage.routesNeverMirrored].sort((a, b) =>
      a.route.localeCompare(b.route),
    );
    expect(never).toEqual([
      { service: 'shop', route: 'GET /legacy', primarySeen: 9, reasons: { 'no shadow half': 9 } },
      { service: 'shop', route: 'POST /orders', primarySeen: 40, reasons: { method: 40 } },
    ]);
    // Primary served 204 + 20 + 9 verdicts + 40 unmirrored; 13 of the verdicts lack a shadow half.
    expect(report.coverage.mirrorRatio).toBeCloseTo((233 - 13) / (233 + 40), 12);
    expect(report.routes[0]).toMatchObject({
      route: 'GET /orders/{id}',
      compared: 200,
      diffRate: 0.25,
    });
    expect(report.routes[0]!.diffInterval.low).toBeCloseTo(0.1951, 4);
    expect(report.totals.compared).toBe(220);
    expect(report.topFields).toEqual([
      expect.objectContaining({
        route: 'GET /orders/{id}',
        path: '/total',
        diffs: 50,
        rate: 0.25,
        worst: 'minor',
        example: expect.objectContaining({ traceId: 'trace-9', primary: 70, shadow: 71 }),
      }),
    ]);
    expect(report.isolation.redactedHeaders).toEqual(
      expect.arrayContaining(['authorization', 'cookie', 'x-api-key']),
    );
    expect(report.isolation.markerHeader).toBe('x-shadow-request');
    expect(report.isolation.methodsMirrored).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(report.gaps.suppressed.total).toBe(200);
    expect(report.gaps.truncatedBodies).toBe(3);
    expect(report.gaps.lateHalves).toBe(2);
    expect(report.gaps.lowSampleRoutes).toEqual([EVIL]);
    expect(progress.at(-1)).toEqual([5, 5]);
  });

  it('renders Markdown with every section and table cells that cannot break rows', async () => {
    const { report } = await evidence();
    const md = renderMarkdown(report);
    for (const heading of [
      '# Shadow evidence: shop',
      '## Summary',
      '## Source',
      '## Routes',
      '## Top drifting fields',
      '## Coverage',
      '## Isolation',
      '## Known gaps',
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('**Owner:** team-checkout');
    expect(md).toContain('| GET /orders/{id} | 200 | 25.00% | 19.51% – 31.43% |');
    expect(md).toContain('GET /a\\|b/<script>alert(1)</script>');
    expect(md).toContain('trace-9: 70 → 71');
    expect(md).toContain('| POST /orders | 40 | method 40 |');
    expect(md).toContain('Bodies not compared because a tap truncated them: 3');
  });

  it('renders one self-contained HTML page with everything escaped', async () => {
    const { report } = await evidence();
    const html = renderHtml(report);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toContain('<script>');
    expect(html).toContain('GET /a|b/&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<link|src=/);
    expect(html).toContain('team-checkout');
    expect(html).toContain('25.00%');
  });

  it('notes a tap whose stamped config hash is not the report config', async () => {
    const config = validateConfig({ service: 'shop' });
    const samples = new MemorySampleStore({ clock: { now: () => NOW } });
    const stamped = configHash(config).slice(0, 16);
    const meta = (hash: string) => ({
      mode: 'mirror',
      traceSource: 'traceparent',
      configHash: hash,
    });
    await samples.record({
      stats: [
        delta('GET /orders/{id}', {
          outcomes: { diff: 1 },
          diffs: [{ kind: 'body', path: '/total', severity: 'minor', count: 1 }],
        }),
      ],
      examples: [
        {
          service: 'shop',
          route: 'GET /orders/{id}',
          kind: 'body',
          path: '/total',
          example: {
            verdict: diffVerdict('t1', 'GET /orders/{id}'),
            halves: {
              primary: half('t1', 'primary', { total: 1 }, { meta: meta(stamped) }),
              shadow: half('t1', 'shadow', { total: 2 }, { meta: meta('0123456789abcdef') }),
            },
          },
        },
      ],
    });
    const report = await buildEvidence(
      new ConsoleData(samples),
      config,
      { from: NOW - 3_600_000, to: NOW },
      NOW,
    );
    const mismatch = report.gaps.notes.filter((n) => n.includes('config hash'));
    expect(mismatch).toEqual([
      `Tap tap-shadow ran with config hash 0123456789abcdef…, not this report's ${stamped}…: its mirror policy may differ from the one listed.`,
    ]);
    expect(report.source.taps.find((t) => t.tapId === 'tap-primary')?.meta.configHash).toEqual([
      stamped,
    ]);
  });

  it('renders JSON that parses back to the report', async () => {
    const { report } = await evidence();
    expect(JSON.parse(renderReport(report, 'json'))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
