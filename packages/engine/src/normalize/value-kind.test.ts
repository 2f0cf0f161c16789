import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isHexToken,
  isIdLike,
  isRandomToken,
  isTimeLikeKey,
  isUlid,
  isUuid,
  parseEpoch,
  parseTimestampString,
  valueKind,
} from './value-kind.js';

describe('id classifiers', () => {
  it('recognises UUIDs of any version and case', () => {
    expect(isUuid('550e8400-e29b-41d4-a716-446655440000')).toBe(true);
    expect(isUuid('550E8400-E29B-41D4-A716-446655440000')).toBe(true);
    expect(isUuid('550e8400e29b41d4a716446655440000')).toBe(false);
    expect(isUuid('550e8400-e29b-41d4-a716-44665544000g')).toBe(false);
  });

  it('recognises ULIDs', () => {
    expect(isUlid('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe(true);
    expect(isUlid('01arz3ndektsv4rrffq69g5fav')).toBe(true);
    expect(isUlid('81ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe(false); // time prefix overflows
    expect(isUlid('01ARZ3NDEKTSV4RRFFQ69G5FAU')).toBe(false); // U is not Crockford
  });

  it('requires digits and letters in hex tokens', () => {
    expect(isHexToken('9f86d081884c7d65')).toBe(true);
    expect(isHexToken('1234567890123456')).toBe(false);
    expect(isHexToken('deadbeefdeadbeef')).toBe(false);
    expect(isHexToken('9f86d081', 8)).toBe(true);
    expect(isHexToken('9f86d08')).toBe(false);
  });

  it('tells random tokens from slugs', () => {
    expect(isRandomToken('aZ3kLm9Qx2Vb7Rt5Yp1Wn8')).toBe(true);
    expect(isRandomToken('k2j4h5g6f7d8s9a0q1w2e3')).toBe(true);
    expect(isRandomToken('release-notes-2024-q1')).toBe(false);
    expect(isRandomToken('iphone-15-pro-max-256gb')).toBe(false);
    expect(isRandomToken('short1A')).toBe(false);
  });

  it('isIdLike covers numbers, UUIDs, ULIDs, hex >= 8 and tokens but not words', () => {
    for (const id of [
      '42',
      '550e8400-e29b-41d4-a716-446655440000',
      '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      'abc12345',
    ]) {
      expect(isIdLike(id), id).toBe(true);
    }
    for (const word of ['orders', 'v1', 'deadbeef', 'items', 'updatedAt', '']) {
      expect(isIdLike(word), word).toBe(false);
    }
  });
});

describe('timestamps', () => {
  it('parses ISO-8601 with Z, offsets, fractions and no zone', () => {
    const base = Date.UTC(2024, 4, 1, 10, 0, 0);
    expect(parseTimestampString('2024-05-01T10:00:00Z')).toEqual({ ms: base, format: 'iso' });
    expect(parseTimestampString('2024-05-01T10:00:00.123Z')?.ms).toBe(base + 123);
    expect(parseTimestampString('2024-05-01T10:00:00.123456789Z')?.ms).toBe(base + 123);
    expect(parseTimestampString('2024-05-01T12:00:00+02:00')?.ms).toBe(base);
    expect(parseTimestampString('2024-05-01T12:00:00+0200')?.ms).toBe(base);
    expect(parseTimestampString('2024-05-01T08:00:00-02')?.ms).toBe(base);
    expect(parseTimestampString('2024-05-01 10:00:00')).toEqual({ ms: base, format: 'iso-local' });
    expect(parseTimestampString('2024-05-01T10:00')?.ms).toBe(base);
  });

  it('reads back any instant Date prints, in ISO-8601 and RFC 1123 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_000_000_000_000, max: 250_000_000_000_000 }), (ms) => {
        const date = new Date(ms);
        expect(parseTimestampString(date.toISOString())?.ms).toBe(ms);
        if (date.getUTCFullYear() >= 1000 && date.getUTCFullYear() <= 9999) {
          expect(parseTimestampString(date.toUTCString())?.ms).toBe(ms - date.getUTCMilliseconds());
        }
      }),
    );
  });

  it('rejects dates, garbage and near misses', () => {
    expect(parseTimestampString('2024-05-01')).toBeUndefined();
    expect(parseTimestampString('2024-13-01T10:00:00Z')).toBeUndefined();
    expect(parseTimestampString('2024-05-01T10:00:00Q')).toBeUndefined();
    expect(parseTimestampString('2024-05-01T10:00:00.Z')).toBeUndefined();
    expect(parseTimestampString('hello world, this is text')).toBeUndefined();
  });

  it('parses RFC 1123', () => {
    expect(parseTimestampString('Wed, 01 May 2024 10:00:00 GMT')).toEqual({
      ms: Date.UTC(2024, 4, 1, 10, 0, 0),
      format: 'rfc1123',
    });
    expect(parseTimestampString('Wed, 01 May 2024 12:00:00 +0200')?.ms).toBe(
      Date.UTC(2024, 4, 1, 10, 0, 0),
    );
    expect(parseTimestampString('Wed, 01 Foo 2024 10:00:00 GMT')).toBeUndefined();
  });

  it('reads epoch seconds and milliseconds in the plausible span', () => {
    expect(parseEpoch(1_714_557_600)).toEqual({ ms: 1_714_557_600_000, format: 'epoch-s' });
    expect(parseEpoch(1_714_557_600_123)).toEqual({ ms: 1_714_557_600_123, format: 'epoch-ms' });
    expect(parseEpoch(42)).toBeUndefined();
    expect(parseEpoch(99_999_999_999)).toBeUndefined();
  });

  it('knows time-like keys', () => {
    for (const key of [
      'createdAt',
      'updated_at',
      'ts',
      'timestamp',
      'exp',
      'iat',
      'expires',
      'lastModifiedDate',
    ]) {
      expect(isTimeLikeKey(key), key).toBe(true);
    }
    for (const key of ['id', 'amount', 'expiresIn', 'count', 'format', 'data']) {
      expect(isTimeLikeKey(key), key).toBe(false);
    }
  });
});

describe('valueKind', () => {
  it('classifies scalars for the noise learner', () => {
    expect(valueKind('550e8400-e29b-41d4-a716-446655440000')).toBe('uuid');
    expect(valueKind('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('ulid');
    expect(valueKind('2024-05-01T10:00:00Z')).toBe('timestamp');
    expect(valueKind(1_714_557_600, 'createdAt')).toBe('timestamp');
    expect(valueKind(1_714_557_600, 'amount')).toBe('other');
    expect(valueKind('1714557600', 'ts')).toBe('timestamp');
    expect(valueKind('9f86d081884c7d659a2f')).toBe('hex-token');
    expect(valueKind('aZ3kLm9Qx2Vb7Rt5Yp1Wn8')).toBe('random-token');
    expect(valueKind('hello')).toBe('other');
    expect(valueKind(true)).toBe('other');
  });
});
