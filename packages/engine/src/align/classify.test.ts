import { describe, expect, it } from 'vitest';
import { classify, classifyBatch } from './classify.js';
import { censusMessage, context, halfMessage, message, rules } from './align.test-kit.js';
import { compileRules } from '../route/compile-rules.js';

describe('classify', () => {
  it('decodes a half once and templates its route once', () => {
    const m = halfMessage('t1', 'shadow', 5_000);
    const c = classify(m, context);
    expect(c.kind).toBe('half');
    if (c.kind !== 'half') return;
    expect(c.half.record.role).toBe('shadow');
    expect(c.half.bytes).toBe(m.value);
    expect(c.half.publishedAt).toBe(5_000);
    expect(c.half.route).toEqual({ route: 'GET /orders/{id}', rule: undefined });
    expect(c.half.expected).toEqual(['primary', 'shadow']);
  });

  it('gives a configured rule with the route', () => {
    const withRule = compileRules({ routes: [{ route: 'GET /orders/{id}', ignore: ['/at'] }] });
    const c = classify(halfMessage('t1', 'primary'), { ...context, rules: withRule });
    if (c.kind !== 'half') throw new Error(c.kind);
    expect(c.half.route.route).toBe('GET /orders/{id}');
    expect(c.half.route.rule).toBe(withRule.routes[0]);
  });

  it("keeps a census's own route, and templates the path of an older tap's census", () => {
    const sent = classify(censusMessage({ route: 'POST /orders/{id}' }), context);
    expect(sent).toMatchObject({ kind: 'census', route: 'POST /orders/{id}' });
    const old = classify(censusMessage(), context);
    expect(old).toMatchObject({
      kind: 'census',
      route: 'POST /orders/{id}',
      census: { kind: 'census', service: 'shop', reason: 'method', count: 4 },
    });
  });

  it('calls undecodable bytes invalid, with the decode error', () => {
    const c = classify(message(new Uint8Array([1, 2, 3])), context);
    expect(c.kind).toBe('invalid');
    if (c.kind === 'invalid') expect(c.error.code).toMatch(/^ERR_DECODE/);
    expect(classify(message(null), context).kind).toBe('invalid');
  });

  it('sorts a batch by kind, each in batch order', () => {
    const bad = message(new Uint8Array([9]));
    const out = classifyBatch(
      [halfMessage('a', 'primary'), bad, censusMessage(), halfMessage('b', 'shadow')],
      { rules, rolesOf: context.rolesOf },
    );
    expect(out.halves.map((h) => h.record.traceId)).toEqual(['a', 'b']);
    expect(out.census).toHaveLength(1);
    expect(out.invalid.map((i) => i.message)).toEqual([bad]);
  });
});
