import { fileURLToPath, pathToFileURL } from 'node:url';
import { validateConfig } from '@shadowdiff/contracts';
import type { CapturedResponse } from '@shadowdiff/contracts';
import { compileRules, diffResponses } from '@shadowdiff/engine';
import { MemorySampleStore } from '@shadowdiff/memory';
import { describe, expect, it } from 'vitest';
import { ConsoleData } from '../api/console-data.js';
import { diffVerdict, half } from '../api/examples.test-kit.js';
import { buildEvidence } from './evidence.js';
import { value } from './format.js';
import { renderMarkdown } from './render-markdown.js';

const NOW = Date.parse('2026-11-26T12:00:30Z');

function json(body: unknown): CapturedResponse {
  const bytes = Buffer.from(JSON.stringify(body));
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: bytes,
    bodySize: bytes.length,
    bodyTruncated: false,
  };
}

/** The diff entry the engine writes for a removed array field. */
function removedArray() {
  const result = diffResponses(json({ id: 1, tags: ['sale'] }), json({ id: 1 }), compileRules());
  const entry = result.diffs.find((d) => d.path === '/tags');
  if (!entry) throw new Error(`no /tags diff in ${JSON.stringify(result.diffs)}`);
  return entry;
}

describe('diff values in the report and the console', () => {
  it('a removed array reads ["sale"] → (absent), not double-escaped', async () => {
    const d = removedArray();
    expect(`${value(d.primary)} → ${value(d.shadow)}`).toBe('["sale"] → (absent)');
    // The console's own formatter (public/js/format.js) renders it the same way.
    const url = pathToFileURL(
      fileURLToPath(new URL('../../public/js/format.js', import.meta.url)),
    ).href;
    const consoleFormat = (await import(url)) as { shortValue: (v: unknown) => string };
    expect(`${consoleFormat.shortValue(d.primary)} → ${consoleFormat.shortValue(d.shadow)}`).toBe(
      '["sale"] → (absent)',
    );
  });

  it('still quotes strings, including ones that only look like JSON', () => {
    expect(value('sale')).toBe('"sale"');
    expect(value('[not json')).toBe('"[not json"');
    expect(value(42)).toBe('42');
    expect(value('{"a":1,"b":' + '"x'.repeat(80) + '…')).toMatch(/^\{"a":1/);
  });
});

describe("the report's Source section shows what ran, not the report's config defaults", () => {
  async function report(workers: Parameters<typeof buildEvidence>[5]) {
    const samples = new MemorySampleStore({ clock: { now: () => NOW } });
    await samples.record({
      stats: [
        {
          service: 'shop',
          route: 'GET /orders/{id}',
          minute: Math.floor(NOW / 60_000) * 60_000,
          outcomes: { match: 10, diff: 5 },
          late: 0,
          diffs: [{ kind: 'body', path: '/total', severity: 'minor', count: 5 }],
          latency: {},
          responses: {},
        },
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
              primary: half('t1', 'primary', { total: 70 }),
              shadow: half('t1', 'shadow', { total: 71 }),
            },
          },
        },
      ],
    });
    // The report's config: all defaults (sidecar, 10 000 ms), as `shadowdiff report` without a file.
    const config = validateConfig({ service: 'shop' });
    return buildEvidence(
      new ConsoleData(samples),
      config,
      { from: NOW - 3_600_000, to: NOW + 60_000 },
      NOW,
      () => {},
      workers,
    );
  }

  it('takes the mode from the taps’ records and the window from the workers’ reports', async () => {
    const r = await report([
      {
        groupId: 'shadowdiff-up-1',
        windowMs: 3_000,
        roles: ['primary', 'shadow'],
        configHash: 'abc',
        reportedAt: NOW - 1_000,
      },
    ]);
    expect(r.source.tapMode).toBe('mirror');
    expect(r.source.alignment.windowMs).toBe(3_000);
    const md = renderMarkdown(r);
    expect(md).toContain('- Tap mode: mirror (as the taps recorded it)');
    expect(md).toContain('window 3,000 ms (as worker group shadowdiff-up-1 reported it)');
  });

  it('says when it falls back to its own config', async () => {
    const md = renderMarkdown(await report([]));
    expect(md).toContain('window 10,000 ms (this report');
    expect(md).toContain('no worker reported its own');
  });
});
