import { createRequire } from 'node:module';
import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import type { PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { javaCompatiblePartitioner, murmur2 } from './partitioner.js';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer | string,
) => number;

const partitions = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, i) => ({
    partitionId: i,
    leader: i === 1 ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));

describe('murmur2', () => {
  it('matches kafkajs (and so the Java client) for keys of every length mod 4', () => {
    for (let length = 0; length < 40; length++) {
      const key = randomBytes(length);
      expect(murmur2(key), `length ${length}`).toBe(kafkajsMurmur2(key));
    }
  });

  it('matches for string keys, ASCII and not', () => {
    for (const key of [randomUUID().replaceAll('-', ''), 'GET /orders/{id}', 'clé ünïcode', '']) {
      expect(murmur2(key), key).toBe(kafkajsMurmur2(key));
    }
  });

  it('gives the Java client’s value for a known key', () => {
    // org.apache.kafka.common.utils.Utils.murmur2("21".getBytes()) == -973932308
    expect(murmur2('21')).toBe(-973932308);
  });
});

describe('javaCompatiblePartitioner', () => {
  it('picks the partition kafkajs’s DefaultPartitioner picks for every keyed message', () => {
    const ours = javaCompatiblePartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 500; i++) {
      const args = {
        topic: 'shadowdiff.taps',
        partitionMetadata: partitions(1 + (i % 12)),
        message: { key: randomUUID().replaceAll('-', ''), value: null },
      };
      expect(ours(args)).toBe(theirs(args));
    }
  });

  it('keeps an explicit partition and spreads keyless messages over available partitions', () => {
    const p = javaCompatiblePartitioner();
    const metadata = partitions(3);
    expect(
      p({ topic: 't', partitionMetadata: metadata, message: { partition: 2, value: null } }),
    ).toBe(2);
    const seen = new Set<number>();
    for (let i = 0; i < 10; i++) {
      seen.add(p({ topic: 't', partitionMetadata: metadata, message: { value: null } }));
    }
    expect([...seen].sort()).toEqual([0, 2]); // partition 1 has no leader
  });
});
