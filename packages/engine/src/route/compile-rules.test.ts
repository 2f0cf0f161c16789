import { ConfigError } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { ANY } from '../normalize/json-pointer.js';
import { compileRules } from './compile-rules.js';

describe('compileRules', () => {
  it('applies the documented defaults', () => {
    const rules = compileRules({});
    expect(rules.headers).toEqual({ names: ['content-type'], all: false });
    expect(rules.timestampToleranceMs).toBe(300_000);
    expect(rules.floatRelTolerance).toBe(1e-9);
    expect(rules.routes).toEqual([]);
  });

  it('never compares volatile headers, even when listed', () => {
    const rules = compileRules({ headers: ['Content-Type', 'Date', 'ETag', 'cache-control', '*'] });
    expect(rules.headers).toEqual({ names: ['content-type', 'cache-control'], all: true });
  });

  it('compiles pointers, tolerance and arrays, deepest array rule first', () => {
    const rules = compileRules({
      routes: [
        {
          route: 'get /orders/{id}',
          ignore: ['/meta/*', '/lines/*/ts'],
          arrays: { '/lines': { key: 'sku' }, '/lines/*/tags': 'set' },
          tolerance: { '/total': { abs: 0.01 } },
          headers: ['x-api-version'],
        },
      ],
    });
    const [rule] = rules.routes;
    expect(rule?.route).toBe('GET /orders/{id}');
    expect(rule?.ignore).toEqual([
      ['meta', ANY],
      ['lines', ANY, 'ts'],
    ]);
    expect(rule?.arrays.map((a) => a.pointer)).toEqual([['lines', ANY, 'tags'], ['lines']]);
    expect(rule?.arrays[1]?.skip).toEqual([['ts']]);
    expect(rule?.tolerance).toEqual([{ pointer: ['total'], abs: 0.01, rel: undefined }]);
    expect(rule?.headers).toEqual({ names: ['content-type', 'x-api-version'], all: false });
  });

  it('merges entries for the same route', () => {
    const rules = compileRules({
      routes: [
        { route: 'GET /a', ignore: ['/x'] },
        { route: 'GET /a/', ignore: ['/y'] },
      ],
    });
    expect(rules.routes).toHaveLength(1);
    expect(rules.routes[0]?.ignore).toEqual([['x'], ['y']]);
  });

  it('fails at start-up naming the bad key', () => {
    expect(() => compileRules({ routes: [{ route: 'GET /a', ignore: ['meta'] }] })).toThrow(
      /rules\.routes\[0\]\.ignore\[0\]: "meta" is not a JSON pointer/,
    );
    expect(() => compileRules({ routes: [{ route: 'orders/{id}' }] })).toThrow(
      /rules\.routes\[0\]\.route/,
    );
    expect(() => compileRules({ routes: [{ route: '/a**' }] })).toThrow(
      /rules\.routes\[0\]\.route: "\/a\*\*": "\*\*" must be a whole segment/,
    );
    expect(() =>
      compileRules({ routes: [{ route: '/a', tolerance: { '/x/~2': { abs: 1 } } }] }),
    ).toThrow(/rules\.routes\[0\]\.tolerance\.\/x\/~2: .*"~0"/);
    expect(() => compileRules({ timestampToleranceMs: -1 })).toThrow(/rules\.timestampToleranceMs/);
    expect(() => compileRules({ routes: [{ route: '/a', ignore: ['x'] }] })).toThrow(ConfigError);
  });
});
