import { DecodeError, DLQ_HEADERS } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { dlqMessage, MAX_DLQ_VALUE_BYTES } from './dlq.js';

const source = (value: Uint8Array | null) => ({
  topic: 'taps',
  partition: 2,
  offset: '17',
  key: 'k',
  value,
  timestamp: 0,
  headers: { 'x-own': 'kept' },
});

describe('dlqMessage', () => {
  it('keeps the original bytes and headers, adding code, reason and where it came from', () => {
    const m = dlqMessage(
      'dlq',
      source(Buffer.from('junk')),
      new DecodeError('ERR_DECODE_MAGIC', 'no magic'),
    );
    expect(Buffer.from(m.value).toString()).toBe('junk');
    expect(m.headers).toMatchObject({
      'x-own': 'kept',
      [DLQ_HEADERS.code]: 'ERR_DECODE_MAGIC',
      [DLQ_HEADERS.reason]: 'no magic',
      [DLQ_HEADERS.sourcePartition]: '2',
      [DLQ_HEADERS.sourceOffset]: '17',
    });
    expect(
      dlqMessage('dlq', source(null), new DecodeError('ERR_DECODE_TRUNCATED', 'x')).value,
    ).toHaveLength(0);
  });

  it('cuts a value past MAX_DLQ_VALUE_BYTES (its publish would fail the batch) and says so', () => {
    const big = Buffer.alloc(MAX_DLQ_VALUE_BYTES * 3, 0x61);
    const m = dlqMessage(
      'dlq',
      source(big),
      new DecodeError('ERR_DECODE_HEADER', 'header too big'),
    );
    expect(m.value.byteLength).toBe(MAX_DLQ_VALUE_BYTES);
    expect(m.headers?.[DLQ_HEADERS.reason]).toBe(
      `header too big (value cut to its first ${MAX_DLQ_VALUE_BYTES} of ${big.length} bytes)`,
    );
  });
});
