import { describe, expect, it } from 'vitest';
import {
  extractTraceId,
  newTraceparent,
  traceIdFromB3,
  traceIdFromTraceparent,
} from './trace-id.js';

const ALL = ['traceparent', 'x-request-id', 'b3'] as const;
const TP_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TP = `00-${TP_ID}-00f067aa0ba902b7-01`;

describe('extractTraceId', () => {
  it('prefers traceparent, then x-request-id, then B3, by default', () => {
    const headers = { traceparent: TP, 'x-request-id': 'req-1', 'x-b3-traceid': 'a'.repeat(32) };
    expect(extractTraceId(headers, ALL)).toEqual({ traceId: TP_ID, source: 'traceparent' });
    expect(
      extractTraceId({ 'x-request-id': 'req-1', b3: `${'a'.repeat(32)}-${'b'.repeat(16)}` }, ALL),
    ).toEqual({
      traceId: 'req-1',
      source: 'x-request-id',
    });
    expect(extractTraceId({ b3: `${'a'.repeat(32)}-${'b'.repeat(16)}-1` }, ALL)).toEqual({
      traceId: 'a'.repeat(32),
      source: 'b3',
    });
  });

  it('follows the configured order', () => {
    const headers = { traceparent: TP, 'x-request-id': 'req-1' };
    expect(extractTraceId(headers, ['x-request-id', 'traceparent'])?.source).toBe('x-request-id');
    expect(extractTraceId(headers, ['b3'])).toBeUndefined();
  });

  it('skips an invalid source and falls through to the next', () => {
    const zero = `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`;
    expect(extractTraceId({ traceparent: zero, 'x-request-id': 'r' }, ALL)?.source).toBe(
      'x-request-id',
    );
    expect(extractTraceId({ traceparent: 'garbage', 'x-request-id': '  ' }, ALL)).toBeUndefined();
    // What the W3C spec tells a receiver to ignore.
    for (const invalid of [
      `00-${TP_ID}-${'0'.repeat(16)}-01`, // all-zero parent id
      `${TP}-extra`, // version 00 with more fields
      `00-${TP_ID}-00f067aa0ba902b7-zz`, // flags not hex
    ]) {
      expect(traceIdFromTraceparent(invalid), invalid).toBeUndefined();
    }
    // A later version may add fields after a dash.
    expect(traceIdFromTraceparent(`cc-${TP_ID}-00f067aa0ba902b7-01-future`)).toBe(TP_ID);
    expect(traceIdFromTraceparent(`cc-${TP_ID}-00f067aa0ba902b7-01future`)).toBeUndefined();
    expect(extractTraceId({ 'x-request-id': 'x'.repeat(257) }, ALL)).toBeUndefined();
  });

  it('returns undefined when no header carries an id', () => {
    expect(extractTraceId({}, ALL)).toBeUndefined();
  });
});

describe('traceIdFromTraceparent', () => {
  it('rejects upper-case hex (as OpenTelemetry does), version ff, short values and an all-zero id', () => {
    expect(traceIdFromTraceparent(TP.toUpperCase())).toBeUndefined();
    expect(traceIdFromTraceparent(` ${TP} `)).toBe(TP_ID);
    expect(traceIdFromTraceparent(`ff-${TP_ID}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(traceIdFromTraceparent(`00-${TP_ID}`)).toBeUndefined();
    expect(
      traceIdFromTraceparent(`00-${TP_ID.replace('4', 'g')}-00f067aa0ba902b7-01`),
    ).toBeUndefined();
  });
});

describe('traceIdFromB3', () => {
  it('left-pads 64-bit ids so they match the 128-bit form, and ignores the deny flag', () => {
    expect(traceIdFromB3({ 'x-b3-traceid': '00f067aa0ba902b7' })).toBe(
      `${'0'.repeat(16)}00f067aa0ba902b7`,
    );
    expect(traceIdFromB3({ b3: '0' })).toBeUndefined();
    expect(traceIdFromB3({ 'x-b3-traceid': 'xyz' })).toBeUndefined();
  });
});

describe('newTraceparent', () => {
  it('makes valid, distinct traceparents whose trace id reads back', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const { traceparent, traceId } = newTraceparent();
      expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(traceIdFromTraceparent(traceparent)).toBe(traceId);
      seen.add(traceId);
    }
    expect(seen.size).toBe(1000);
  });
});
