import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, UPSTREAM_ERROR_KINDS } from '../roles.js';
import type { TapRecord } from '../tap-record.js';
import { PRELUDE, TapRecordEncoder } from './tap-record-writer.js';

/** The header object the frame's JSON describes, in the frame's key order. */
function headerObject(r: TapRecord): unknown {
  const part = (p: TapRecord['request'] | NonNullable<TapRecord['response']>) => ({
    ...('method' in p ? { method: p.method, url: p.url } : { status: p.status }),
    headers: p.headers,
    bodyLength: p.body.byteLength,
    bodySize: p.bodySize,
    bodyTruncated: p.bodyTruncated,
    ...(p.contentEncoding !== undefined ? { contentEncoding: p.contentEncoding } : {}),
  });
  return {
    v: r.v,
    traceId: r.traceId,
    role: r.role,
    service: r.service,
    tapId: r.tapId,
    capturedAt: r.capturedAt,
    durationMs: r.durationMs,
    request: part(r.request),
    ...(r.response ? { response: part(r.response) } : {}),
    ...(r.error ? { error: r.error } : {}),
    ...(r.meta ? { meta: r.meta } : {}),
  };
}

// Every kind of text a header can carry, and some it cannot: quotes, backslashes, control
// characters, DEL, Latin-1, astral characters and lone surrogates.
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u007f', 'é', '\u2028', '😀', '\ud800', 'a'),
    maxLength: 12,
  }),
);
const dict = fc.dictionary(text, text, { maxKeys: 6 });
const body = fc.uint8Array({ maxLength: 64 });
const part = fc.record({
  headers: dict,
  body,
  bodySize: fc.nat(),
  bodyTruncated: fc.boolean(),
  contentEncoding: fc.option(text, { nil: undefined }),
});

const recordArb: fc.Arbitrary<TapRecord> = fc
  .record({
    traceId: text,
    role: fc.constantFrom(...ROLES),
    service: text,
    tapId: text,
    capturedAt: fc.oneof(fc.nat(), fc.double({ min: 0, max: 2 ** 50, noNaN: true })),
    durationMs: fc.double({ min: 0, max: 1e9, noNaN: true }),
    method: text,
    url: text,
    request: part,
    response: fc.option(fc.record({ status: fc.integer({ min: 100, max: 999 }), part }), {
      nil: undefined,
    }),
    error: fc.option(fc.record({ kind: fc.constantFrom(...UPSTREAM_ERROR_KINDS), message: text }), {
      nil: undefined,
    }),
    meta: fc.option(dict, { nil: undefined }),
  })
  .map(({ method, url, request, response, error, meta, ...top }) => {
    const withEncoding = <T extends object>(p: T, e: string | undefined): T =>
      e === undefined ? p : { ...p, contentEncoding: e };
    const { contentEncoding: reqEncoding, ...req } = request;
    const record: TapRecord = {
      v: 1,
      ...top,
      request: withEncoding({ method, url, ...req }, reqEncoding),
    };
    if (response) {
      const { contentEncoding, ...res } = response.part;
      record.response = withEncoding({ status: response.status, ...res }, contentEncoding);
    }
    if (error) record.error = error;
    if (meta) record.meta = meta;
    return record;
  });

function frame(encoder: TapRecordEncoder, record: TapRecord, offset = 0): Buffer {
  const encoded = encoder.encode(record);
  const out = Buffer.alloc(offset + encoded.byteLength, 0xee);
  encoded.copyTo(out, offset);
  return out.subarray(offset);
}

describe('TapRecordEncoder', () => {
  it('writes the header byte for byte as JSON.stringify does, then the bodies', () => {
    const encoder = new TapRecordEncoder();
    fc.assert(
      fc.property(recordArb, fc.nat({ max: 9 }), (record, offset) => {
        const out = frame(encoder, record, offset);
        const json = Buffer.from(JSON.stringify(headerObject(record)), 'utf8');
        expect(out.readUInt32BE(4)).toBe(json.length);
        expect(out.subarray(PRELUDE, PRELUDE + json.length).equals(json)).toBe(true);
        const bodies = Buffer.concat([
          record.request.body,
          record.response?.body ?? new Uint8Array(),
        ]);
        expect(out.subarray(PRELUDE + json.length).equals(bodies)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('grows its scratch buffer for a header larger than it', () => {
    const encoder = new TapRecordEncoder();
    const small = fc.sample(recordArb, { numRuns: 1, seed: 7 })[0] as TapRecord;
    const big: TapRecord = {
      ...small,
      request: {
        ...small.request,
        url: `/${'é'.repeat(40_000)}`,
        headers: { 'x-long': 'a'.repeat(30_000) },
      },
    };
    for (const record of [small, big, small]) {
      const out = frame(encoder, record);
      const json = JSON.stringify(headerObject(record));
      expect(out.subarray(PRELUDE, PRELUDE + out.readUInt32BE(4)).toString('utf8')).toBe(json);
    }
  });
});
