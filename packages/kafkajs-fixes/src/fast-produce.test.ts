import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { crc32c } from './crc32c.js';
import { encodeProduceRequest, useFastProduceEncoder } from './fast-produce.js';
import type { Compress, ProduceRequestArgs } from './fast-produce.js';

// kafkajs's own pieces, to compare against.
const require = createRequire(import.meta.url);
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (
  b: Buffer,
) => number;
const requestV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (
  args: ProduceRequestArgs,
) => { encode(): Promise<{ buffer: Buffer }> };
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: string): { value: bigint } };
const { lookupCodec } = require('kafkajs/src/protocol/message/compression/index.js') as {
  lookupCodec: (t: number) => { compress(e: { buffer: Buffer }): Promise<Buffer> };
};
const produce = require('kafkajs/src/protocol/requests/produce/index.js') as {
  protocol: (a: { version: number }) => (args: ProduceRequestArgs) => {
    request: { apiVersion: number; encode(): Promise<{ buffer: Buffer }> };
  };
};
const compress: Compress = (type, records) => lookupCodec(type).compress({ buffer: records });

const NOW = 1_764_000_000_123;

function args(overrides: Partial<ProduceRequestArgs> = {}): ProduceRequestArgs {
  return {
    acks: -1,
    timeout: 10_000,
    transactionalId: null,
    producerId: Long.fromValue('123456789012'),
    producerEpoch: 3,
    topicData: [
      {
        topic: 'shadowdiff.taps',
        partitions: [
          {
            partition: 0,
            firstSequence: 41,
            messages: [
              { key: '4bf92f3577b34da6a3ce929d0e0e4736', value: randomBytes(2_000) },
              { key: null, value: 'a string value, ünïcode' },
              { key: Buffer.from('k3'), value: null },
            ],
          },
          {
            partition: 2,
            firstSequence: 0,
            messages: Array.from({ length: 200 }, (_, i) => ({
              key: `trace-${i}`,
              value: randomBytes(50 + i * 7),
              headers: i % 3 === 0 ? { kind: 'tap', multi: ['a', Buffer.from('b')] } : undefined,
            })),
          },
        ],
      },
      {
        topic: 'shadowdiff.verdicts',
        partitions: [{ partition: 1, messages: [{ key: 'GET /x', value: Buffer.from('{}') }] }],
      },
    ],
    ...overrides,
  };
}

describe('crc32c', () => {
  it('matches kafkajs’s byte-at-a-time CRC-32C on every length around the 8-byte stride', () => {
    for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1_000, 65_537]) {
      const bytes = randomBytes(length);
      expect(crc32c(bytes), `length ${length}`).toBe(kafkajsCrc32C(bytes));
    }
  });

  it('gives the standard check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283');
  });

  it('checksums a sub-range', () => {
    const bytes = randomBytes(100);
    expect(crc32c(bytes, 10, 90)).toBe(kafkajsCrc32C(bytes.subarray(10, 90)));
  });
});

describe('encodeProduceRequest', () => {
  afterEach(() => vi.restoreAllMocks());

  const kafkajsBytes = async (a: ProduceRequestArgs): Promise<Buffer> => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW);
    return (await requestV3(a).encode()).buffer;
  };

  it('writes what kafkajs writes: several topics and partitions, null keys and values, headers', async () => {
    const a = args();
    expect((await encodeProduceRequest(a, compress, NOW)).equals(await kafkajsBytes(a))).toBe(true);
  });

  it('writes what kafkajs writes for a transactional, gzip-compressed request', async () => {
    // The producer passes the id as InitProducerId decoded it: a decimal string.
    const a = args({ transactionalId: 'shadowdiff-worker-0', compression: 1, producerId: '7001' });
    expect((await encodeProduceRequest(a, compress, NOW)).equals(await kafkajsBytes(a))).toBe(true);
  });

  it('writes what kafkajs writes when records carry their own timestamps', async () => {
    const a = args();
    const messages = a.topicData[0]!.partitions[0]!.messages;
    messages.forEach((m, i) => (m.timestamp = String(NOW - 5_000 + i * 1_000)));
    expect((await encodeProduceRequest(a, compress, NOW)).equals(await kafkajsBytes(a))).toBe(true);
  });

  it('replaces the encode of Produce v3+ only, keeping kafkajs’s request otherwise', async () => {
    const a = args({ compression: 1 });
    const before = produce.protocol({ version: 7 })(a).request;
    const expected = (await kafkajsBytes(a)).toString('hex');
    useFastProduceEncoder();
    useFastProduceEncoder(); // once per process, however often it is called
    const after = produce.protocol({ version: 7 })(a).request;
    expect(after.apiVersion).toBe(before.apiVersion);
    expect((await after.encode()).buffer.toString('hex')).toBe(expected);
    expect(produce.protocol({ version: 2 })).toBeTypeOf('function');
  });
});
