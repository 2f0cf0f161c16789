import { describe, expect, it } from 'vitest';
import { decodeGoReplayLine, encodeGoReplayLine } from './protocol.js';

const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');

describe('GoReplay middleware protocol', () => {
  it('decodes the request example from GoReplay docs/Middleware.md', () => {
    const line = hex(
      '1 932079936fa4306fc308d67588178d17d823647c 1439818823587396305\nGET /a HTTP/1.1\nHost: 127.0.0.1\n\n',
    );
    const decoded = decodeGoReplayLine(line);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value).toMatchObject({
      type: 1,
      id: '932079936fa4306fc308d67588178d17d823647c',
    });
    // ns -> ms: the integer ms are exact, the fraction as exact as a double at 1.4e12 allows.
    expect(Math.floor(decoded.value.timestampMs)).toBe(1_439_818_823_587);
    expect(decoded.value.timestampMs - 1_439_818_823_587).toBeCloseTo(0.396305, 3);
    expect(decoded.value.latencyMs).toBeUndefined();
    expect(Buffer.from(decoded.value.http).toString()).toBe('GET /a HTTP/1.1\nHost: 127.0.0.1\n\n');
  });

  it('decodes the response example, latency in ns -> ms', () => {
    const decoded = decodeGoReplayLine(
      hex(
        '2 8e091765ae902fef8a2b7d9dd960e9d52222bd8c 1439818823587996305 2782013\nHTTP/1.1 200 OK\nDate: Mon, 17 Aug 2015 13:40:23 GMT\nContent-Length: 0\nContent-Type: text/plain; charset=utf-8\n\n',
      ),
    );
    expect(decoded).toMatchObject({ ok: true, value: { type: 2, latencyMs: 2.782013 } });
  });

  it('round-trips through the encoder used by the tests', () => {
    const line = encodeGoReplayLine(
      3,
      'abc',
      1_700_000_000_123_456_789n,
      5_000_000n,
      Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'),
    );
    const decoded = decodeGoReplayLine(line);
    expect(decoded).toMatchObject({ ok: true, value: { type: 3, id: 'abc', latencyMs: 5 } });
    if (decoded.ok) expect(decoded.value.timestampMs - 1_700_000_000_123).toBeCloseTo(0.456789, 3);
  });

  it('says what is wrong with a bad line', () => {
    expect(decodeGoReplayLine('')).toMatchObject({ ok: false, reason: 'empty line' });
    expect(decodeGoReplayLine('zz')).toMatchObject({ ok: false, reason: /not hex/ });
    expect(decodeGoReplayLine('abc')).toMatchObject({ ok: false, reason: /not hex/ });
    expect(decodeGoReplayLine(hex('1 id 123'))).toMatchObject({
      ok: false,
      reason: /no header line/,
    });
    expect(decodeGoReplayLine(hex('7 id 123\nGET / HTTP/1.1\r\n\r\n'))).toMatchObject({
      ok: false,
      reason: /unknown payload type "7"/,
    });
    expect(decodeGoReplayLine(hex('1 id soon\nGET / HTTP/1.1\r\n\r\n'))).toMatchObject({
      ok: false,
      reason: /bad timestamp/,
    });
    expect(decodeGoReplayLine(hex('1\nGET / HTTP/1.1\r\n\r\n'))).toMatchObject({
      ok: false,
      reason: /no request id/,
    });
  });
});
