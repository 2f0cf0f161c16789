import { describe, expect, it } from 'vitest';
import { recordHeaders, requestHeaders } from './headers.js';

describe('requestHeaders', () => {
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
    expect(requestHeaders(raw, ['traceparent', 't'])).toEqual([
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

  it('lets an extra header replace the client headers of that name, not sit beside them', () => {
    const raw = [
      'Traceparent',
      'garbage',
      'Accept',
      'x',
      'traceparent',
      'more',
      'X-Shadow-Request',
      '0',
    ];
    expect(requestHeaders(raw, ['traceparent', 't', 'x-shadow-request', '1'])).toEqual([
      'Accept',
      'x',
      'traceparent',
      't',
      'x-shadow-request',
      '1',
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

  it('keeps headers named like Object members as data', () => {
    const h = recordHeaders([
      '__proto__',
      'x',
      'Constructor',
      'c',
      'toString',
      't',
      '__proto__',
      'y',
    ]);
    expect(Object.getPrototypeOf(h)).toBe(Object.prototype);
    expect(Object.keys(h)).toEqual(['__proto__', 'constructor', 'tostring']);
    expect(h.constructor as unknown).toBe('c');
    expect(Object.getOwnPropertyDescriptor(h, '__proto__')?.value).toBe('x, y');
    expect(JSON.stringify(h)).toBe('{"__proto__":"x, y","constructor":"c","tostring":"t"}');
  });
});
