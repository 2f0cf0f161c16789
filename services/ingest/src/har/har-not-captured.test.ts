import { compileRules, diffResponses, TRUNCATED_PATH } from '@shadowdiff/engine';
import { describe, expect, it } from 'vitest';
import { harDocument, harEntry } from './har-fixtures.test-kit.js';
import { planHarImport } from './plan-har-import.js';

type Entry = Record<string, unknown> & { response: Record<string, unknown> };

/**
 * An entry as Playwright's recordHar (Chromium) writes a request the browser aborted after the
 * headers came: the status and headers, `_failureText`, `content.size: -1` and no `content.text`.
 */
function abortedBody(url: string): Entry {
  const entry = harEntry({ url }) as Entry;
  entry.response = {
    ...entry.response,
    content: { size: -1, mimeType: 'x-unknown' },
    bodySize: -1,
    _failureText: 'net::ERR_ABORTED',
  };
  return entry;
}

/** Aborted before any response: Playwright keeps status -1; DevTools' export writes 0 and `_error`. */
function abortedRequest(url: string, style: 'playwright' | 'devtools'): Entry {
  const entry = harEntry({ url }) as Entry;
  entry.response = {
    ...entry.response,
    status: style === 'playwright' ? -1 : 0,
    statusText: '',
    headers: [],
    content: { size: style === 'playwright' ? -1 : 0, mimeType: 'x-unknown' },
    ...(style === 'playwright'
      ? { _failureText: 'net::ERR_ABORTED' }
      : { _error: 'net::ERR_ABORTED' }),
  };
  return entry;
}

const primary = harDocument([
  harEntry({ url: 'https://prod/orders/1', body: '{"id":1,"total":10}' }),
  harEntry({ url: 'https://prod/orders/2', body: '{"id":2}' }),
  harEntry({ url: 'https://prod/orders/3', body: '{"id":3}' }),
  abortedRequest('https://prod/only-primary', 'devtools'),
]);
const shadow = harDocument([
  abortedBody('https://staging/orders/1'),
  abortedRequest('https://staging/orders/2', 'playwright'),
  harEntry({ url: 'https://staging/orders/3', body: '{"id":3}' }),
]);

describe('import-har: entries the browser aborted ("body not captured")', () => {
  const plan = () =>
    planHarImport(
      { file: 'prod.har', text: primary },
      { file: 'staging.har', text: shadow },
      { service: 'orders', runId: 'r' },
    );

  it('counts them in the summary; a pair with no response on one side is left out', () => {
    const { records, summary } = plan();
    expect(summary.notCaptured).toEqual({
      body: { primary: 0, shadow: 1 },
      response: { primary: 1, shadow: 1 },
      pairsLeftOut: 1,
    });
    // orders/1 (judged without the shadow's body) and orders/3; not orders/2, not the lone abort.
    expect(records.map((r) => `${r.role} ${r.request.url}`)).toEqual([
      'primary /orders/1',
      'shadow /orders/1',
      'primary /orders/3',
      'shadow /orders/3',
    ]);
    expect(summary.records).toBe(4);
  });

  it('marks an aborted body as not captured, so the worker does not judge it', () => {
    const [p, s] = plan().records;
    expect(s!.meta?.['har.body']).toBe('not captured: net::ERR_ABORTED');
    expect(s!.response).toMatchObject({ status: 200, bodyTruncated: true });
    expect(p!.meta?.['har.body']).toBeUndefined();
    // The engine judges status and headers, and leaves the body out as it does a truncated one:
    // no whole-body diff against the primary's document.
    const result = diffResponses(p!.response!, s!.response!, compileRules());
    expect(result.diffs).toEqual([]);
    expect(result.suppressed.map((e) => e.path)).toEqual([TRUNCATED_PATH]);
  });

  it('still judges a real status 0 (no response, no failure text) as an upstream error', () => {
    const lone = harDocument([harEntry({ url: 'https://prod/blocked', status: 0 })]);
    const { records, summary } = planHarImport(
      { file: 'a', text: lone },
      { file: 'b', text: harDocument([]) },
      { service: 's', runId: 'r' },
    );
    expect(summary.notCaptured.response).toEqual({ primary: 0, shadow: 0 });
    expect(records[0]!.error?.message).toBe('no response in the HAR (status 0)');
  });
});
