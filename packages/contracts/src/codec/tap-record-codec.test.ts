import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, UPSTREAM_ERROR_KINDS } from '../roles.js';
import type { TapRecord } from '../tap-record.js';
import { decodeTapRecord, encodeTapRecord, MAX_HEADER_BYTES } from './tap-record-codec.js';

const headers = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  fc.string({ maxLength: 40 }),
  { maxKeys: 6 },
);
const body = fc.uint8Array({ maxLength: 2048 });

const recordArb: fc.Arbitrary<TapRecord> = fc
  .record({
    traceId: fc.stringMatching(/^[0-9a-f]{32}$/),
    role: fc.constantFrom(...ROLES),
    service: fc.string({ minLength: 1, maxLength: 20 }),
    tapId: fc.string({ minLength: 1, maxLength: 20 }),
    capturedAt: fc.integer({ min: 0, max: 2 ** 45 }),
    durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD'),
    url: fc.webPath(),
    reqHeaders: headers,
    reqBody: body,
    reqTruncated: fc.boolean(),
    response: fc.option(
      fc.record({
        status: fc.integer({ min: 100, max: 599 }),
        headers,
        body,
        truncated: fc.boolean(),
        encoding: fc.option(fc.constantFrom('gzip', 'br', 'deflate'), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    errorKind: fc.constantFrom(...UPSTREAM_ERROR_KINDS),
    meta: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), {
      nil: undefined,
    }),
  })
  .map((r) => {
    const record: TapRecord = {
      v: 1,
      traceId: r.traceId,
      role: r.role,
      service: r.service,
      tapId: r.tapId,
      capturedAt: r.capturedAt,
      durationMs: r.durationMs,
      request: {
        method: r.method,
        url: r.url,
        headers: r.reqHeaders,
        body: r.reqBody,
        bodySize: r.reqBody.byteLength + (r.reqTruncated ? 10 : 0),
        bodyTruncated: r.reqTruncated,
      },
    };
    if (r.response) {
      record.response = {
        status: r.response.status,
        headers: r.response.headers,
        body: r.response.body,
        bodySize: r.response.body.byteLength,
        bodyTruncated: r.response.truncated,
        ...(r.response.encoding ? { contentEncoding: r.response.encoding } : {}),
      };
    } else {
      record.error = { kind: r.errorKind, message: 'upstream failed' };
    }
    if (r.meta) record.meta = r.meta;
    return record;
  });

function normalizeBodies(record: TapRecord): unknown {
  return {
    ...record,
    request: { ...record.request, body: Array.from(record.request.body) },
    ...(record.response
      ? { response: { ...record.response, body: Array.from(record.response.body) } }
      : {}),
  };
}

describe('TapRecord framed codec', () => {
  it('round-trips every valid record, bodies byte for byte', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const decoded = decodeTapRecord(encodeTapRecord(record));
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(normalizeBodies(decoded.value)).toEqual(normalizeBodies(record));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps binary bodies exact, including bytes that are not UTF-8', () => {
    const binary = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x1f, 0x8b]);
    const record: TapRecord = {
      v: 1,
      traceId: 't1',
      role: 'shadow',
      service: 's',
      tapId: 'tap',
      capturedAt: 1,
      durationMs: 2,
      request: {
        method: 'GET',
        url: '/',
        headers: {},
        body: new Uint8Array(),
        bodySize: 0,
        bodyTruncated: false,
      },
      response: { status: 200, headers: {}, body: binary, bodySize: 8, bodyTruncated: false },
    };
    const decoded = decodeTapRecord(encodeTapRecord(record));
    expect(
      decoded.ok && Buffer.compare(Buffer.from(decoded.value.response!.body), Buffer.from(binary)),
    ).toBe(0);
  });

  it('never throws on arbitrary bytes; failures carry a code and a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const decoded = decodeTapRecord(bytes);
        if (!decoded.ok) {
          expect(decoded.error.code).toMatch(/^ERR_DECODE_/);
          expect(decoded.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on a valid record cut short or corrupted at any byte', () => {
    fc.assert(
      fc.property(recordArb, fc.nat(), fc.nat(255), (record, at, byte) => {
        const bytes = encodeTapRecord(record);
        const cut = decodeTapRecord(bytes.subarray(0, at % bytes.length));
        expect(cut.ok).toBe(false);
        const corrupted = Buffer.from(bytes);
        corrupted[at % bytes.length] = byte;
        const result = decodeTapRecord(corrupted);
        if (!result.ok) expect(result.error.code).toMatch(/^ERR_DECODE_/);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['empty', Buffer.alloc(0), 'ERR_DECODE_TRUNCATED'],
    ['not a frame', Buffer.from('{"traceId":"x"}'), 'ERR_DECODE_MAGIC'],
    [
      'future frame version',
      Buffer.from([0x53, 0x44, 9, 0, 0, 0, 0, 2, 0x7b, 0x7d]),
      'ERR_DECODE_VERSION',
    ],
    ['header past end', Buffer.from([0x53, 0x44, 1, 0, 0, 0, 1, 0, 0x7b]), 'ERR_DECODE_TRUNCATED'],
    [
      'header not JSON',
      Buffer.from([0x53, 0x44, 1, 0, 0, 0, 0, 2, 0x7b, 0x7b]),
      'ERR_DECODE_HEADER',
    ],
    [
      'header missing fields',
      Buffer.from([0x53, 0x44, 1, 0, 0, 0, 0, 2, 0x7b, 0x7d]),
      'ERR_DECODE_SCHEMA',
    ],
    [
      'future record version',
      Buffer.from([0x53, 0x44, 1, 0, 0, 0, 0, 7, ...Buffer.from('{"v":2}')]),
      'ERR_DECODE_VERSION',
    ],
  ])('classifies %s as %s', (_name, bytes, code) => {
    const decoded = decodeTapRecord(bytes);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.code).toBe(code);
  });

  it('names the missing key in a schema error', () => {
    const header = Buffer.from(JSON.stringify({ v: 1, traceId: 'x', role: 'primary' }));
    const prelude = Buffer.from([0x53, 0x44, 1, 0, 0, 0, 0, 0]);
    prelude.writeUInt32BE(header.length, 4);
    const decoded = decodeTapRecord(Buffer.concat([prelude, header]));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error.code).toBe('ERR_DECODE_SCHEMA');
      expect(decoded.error.message).toContain('service');
    }
  });

  it('refuses a header over MAX_HEADER_BYTES before parsing it', () => {
    const meta = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, '']));
    const header = Buffer.from(JSON.stringify({ v: 1, meta }));
    expect(header.length).toBeGreaterThan(MAX_HEADER_BYTES);
    const prelude = Buffer.from([0x53, 0x44, 1, 0, 0, 0, 0, 0]);
    prelude.writeUInt32BE(header.length, 4);
    const decoded = decodeTapRecord(Buffer.concat([prelude, header]));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error.code).toBe('ERR_DECODE_HEADER');
      expect(decoded.error.message).toMatch(/over the 1048576-byte limit/);
    }
  });
});
