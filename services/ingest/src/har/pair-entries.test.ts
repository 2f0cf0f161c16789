import { describe, expect, it } from 'vitest';
import { harDocument, harEntry } from './har-fixtures.test-kit.js';
import { parseHar } from './har-format.js';
import { pairEntries } from './pair-entries.js';

const tp = (trace: string) => ({ traceparent: `00-${trace}-00f067aa0ba902b7-01` });
const T1 = '4bf92f3577b34da6a3ce929d0e0e4736';
const T2 = '0af7651916cd43dd8448eb211c80319c';

const parse = (entries: Record<string, unknown>[]) => parseHar(harDocument(entries), 'x.har');

describe('pairEntries', () => {
  it('pairs by traceparent trace-id whatever the order and host', () => {
    const primary = parse([
      harEntry({ url: 'https://prod/a', headers: tp(T1) }),
      harEntry({ url: 'https://prod/b', headers: tp(T2) }),
    ]);
    const shadow = parse([
      harEntry({ url: 'https://staging/b', headers: tp(T2) }),
      harEntry({ url: 'https://staging/a', headers: tp(T1) }),
    ]);
    expect(pairEntries(primary, shadow)).toEqual({
      pairs: [
        { primary: 0, shadow: 1, by: 'traceparent', key: T1 },
        { primary: 1, shadow: 0, by: 'traceparent', key: T2 },
      ],
      unpairedPrimary: [],
      unpairedShadow: [],
    });
  });

  it('falls back to x-request-id, then to method + path + query in order', () => {
    const primary = parse([
      harEntry({ url: 'https://prod/items?page=1' }),
      harEntry({ url: 'https://prod/items?page=1' }),
      harEntry({ url: 'https://prod/r', headers: { 'X-Request-Id': 'req-9' } }),
      harEntry({ method: 'POST', url: 'https://prod/items?page=1' }),
      harEntry({ url: 'https://prod/only-primary' }),
    ]);
    const shadow = parse([
      harEntry({ url: 'https://staging/r', headers: { 'x-request-id': 'req-9' } }),
      harEntry({ url: 'https://staging/items?page=1' }),
      harEntry({ method: 'POST', url: 'https://staging/items?page=1' }),
      harEntry({ url: 'https://staging/items?page=1' }),
      harEntry({ url: 'https://staging/items?page=2' }),
    ]);
    const pairing = pairEntries(primary, shadow);
    expect(pairing.pairs).toEqual([
      { primary: 0, shadow: 1, by: 'method+url+order', key: 'GET /items?page=1 #1' },
      { primary: 1, shadow: 3, by: 'method+url+order', key: 'GET /items?page=1 #2' },
      { primary: 2, shadow: 0, by: 'x-request-id', key: 'req-9' },
      { primary: 3, shadow: 2, by: 'method+url+order', key: 'POST /items?page=1 #1' },
    ]);
    expect(pairing.unpairedPrimary).toEqual([4]);
    expect(pairing.unpairedShadow).toEqual([4]);
  });

  it('pairs a trace header seen only on one side by request instead', () => {
    const primary = parse([harEntry({ url: 'https://prod/a', headers: tp(T1) })]);
    const shadow = parse([harEntry({ url: 'https://staging/a' })]);
    expect(pairEntries(primary, shadow).pairs).toEqual([
      { primary: 0, shadow: 0, by: 'method+url+order', key: 'GET /a #1' },
    ]);
  });
});
