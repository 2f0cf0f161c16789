import { describe, expect, it } from 'vitest';
import { exampleView, tapFacts } from './example-view.js';
import { diffVerdict, driftExample, half } from './examples.test-kit.js';

describe('exampleView', () => {
  it('decodes both halves, removes the content-encoding and parses JSON bodies', () => {
    const view = exampleView(driftExample('t1'), 'GET /orders/{id}');
    expect(view.traceId).toBe('t1');
    expect(view.diffs.map((d) => d.path)).toEqual(['/total']);
    expect(view.sides.primary?.body).toEqual({
      kind: 'json',
      value: { id: 7, total: 70, requestId: 'a' },
    });
    expect(view.sides.shadow?.body).toEqual({
      kind: 'json',
      value: { id: 7, total: 71, requestId: 'b' },
    });
    expect(view.sides.shadow?.bodyFacts.contentEncoding).toBe('gzip');
    expect(view.sides.shadow?.headers['content-encoding']).toBe('gzip');
    expect(view.sides.primary?.status).toBe(200);
    expect(view.sides.primary?.request).toMatchObject({ method: 'GET', url: '/orders/7' });
    expect(view.undecodable).toEqual([]);
  });

  it('says which half would not decode instead of failing the page', () => {
    const view = exampleView(
      {
        verdict: diffVerdict('t2', 'GET /x'),
        halves: { primary: half('t2', 'primary', { a: 1 }), shadow: new Uint8Array([1, 2, 3]) },
      },
      'GET /x',
    );
    expect(view.sides.primary).toBeDefined();
    expect(view.sides.shadow).toBeUndefined();
    expect(view.undecodable[0]?.role).toBe('shadow');
    expect(view.undecodable[0]?.reason).toMatch(/^ERR_DECODE_/);
  });

  it('keeps truncation facts and shows a truncated JSON body as text', () => {
    const bytes = half('t3', 'primary', { list: [1, 2, 3] }, { truncated: true });
    const view = exampleView(
      { verdict: diffVerdict('t3', 'GET /x'), halves: { primary: bytes } },
      'GET /x',
    );
    expect(view.sides.primary?.bodyFacts.truncated).toBe(true);
    expect(view.sides.primary?.bodyFacts.size).toBeGreaterThan(
      view.sides.primary!.bodyFacts.captured,
    );
  });

  it('collects tap facts for the report', () => {
    expect(tapFacts(half('t', 'shadow', {}))).toEqual({
      tapId: 'tap-shadow',
      role: 'shadow',
      meta: { mode: 'mirror', traceSource: 'traceparent', version: '0.1.0' },
    });
    expect(tapFacts(new Uint8Array([0]))).toBeUndefined();
  });
});
