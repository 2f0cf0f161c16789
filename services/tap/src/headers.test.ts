import { describe, expect, it } from 'vitest';
import { forwardHeaders, recordHeaders } from './headers.js';

describe('forwardHeaders', () => {
  it('drops hop-by-hop headers and those Connection names, keeping case, order and repeats', () => {
    const raw = [
      'Host',
      'a',
      'Connection',
      'keep-alive, X-Hop',
      'X-Hop',
      '1',
      'Keep-Alive',
      'timeout=5',
      'Accept',
      'x',
      'accept',
      'y',
      'Transfer-Encoding',
      'chunked',
      'TE',
      'trailers',
    ];
    expect(forwardHeaders(raw, ['traceparent', 't'])).toEqual([
      'Host',
      'a',
      'Accept',
      'x',
      'accept',
      'y',
      'traceparent',
      't',
    ]);
  });
});

describe('recordHeaders', () => {
  it('lower-cases names, joins repeats with ", " and set-cookie with newlines, leaves out connection management', () => {
    const raw = [
      'Content-Type',
      'a/b',
      'Vary',
      'A',
      'vary',
      'B',
      'Set-Cookie',
      'a=1; Path=/',
      'set-cookie',
      'b=2',
      'Connection',
      'close',
      'Transfer-Encoding',
      'chunked',
    ];
    expect({ ...recordHeaders(raw) }).toEqual({
      'content-type': 'a/b',
      vary: 'A, B',
      'set-cookie': 'a=1; Path=/\nb=2',
      'transfer-encoding': 'chunked',
    });
  });

  it('keeps a header named __proto__ as data', () => {
    const h = recordHeaders(['__proto__', 'x']);
    expect(Object.keys(h)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(h))).toEqual(JSON.parse('{"__proto__":"x"}'));
  });
});
