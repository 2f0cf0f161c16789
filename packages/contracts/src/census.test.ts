import { describe, expect, it } from 'vitest';
import { censusRecord, readCensus } from './census.js';
import { decodeTapRecord, encodeTapRecord } from './codec/tap-record-codec.js';

describe('census records', () => {
  it('round-trip through the v1 framing and read back as a census', () => {
    const record = censusRecord({
      traceId: 'census-1',
      service: 'shop',
      tapId: 'tap-a',
      at: 1_700_000_000_000,
      mode: 'mirror',
      method: 'POST',
      path: '/orders',
      reason: 'method',
      count: 42,
    });
    const decoded = decodeTapRecord(encodeTapRecord(record));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(readCensus(decoded.value)).toEqual({
      method: 'POST',
      path: '/orders',
      reason: 'method',
      count: 42,
    });
    expect(decoded.value.role).toBe('primary');
    expect(decoded.value.response).toBeUndefined();
  });

  it('is absent from ordinary records and tolerant of a bad count', () => {
    const record = censusRecord({
      traceId: 't',
      service: 's',
      tapId: 'x',
      at: 1,
      mode: 'mirror',
      method: 'GET',
      path: '/',
      reason: 'route',
      count: 1,
    });
    expect(readCensus({ ...record, meta: { mode: 'mirror' } })).toBeUndefined();
    expect(readCensus({ ...record, meta: { ...record.meta, skipped: 'lots' } })?.count).toBe(1);
  });
});
