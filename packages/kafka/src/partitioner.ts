import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';

const SEED = 0x9747b28c | 0;
const M = 0x5bd1e995;

/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`) over 32-bit integer arithmetic. kafkajs
 * computes the same hash through its BigInt-backed Long, a dozen allocations per key.
 */
export function murmur2(key: Buffer | string): number {
  const data = typeof key === 'string' ? asciiOrUtf8(key) : key;
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4] as number) |
      ((data[i4 + 1] as number) << 8) |
      ((data[i4 + 2] as number) << 16) |
      ((data[i4 + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= (data[tail + 2] as number) << 16;
  if (rest >= 2) h ^= (data[tail + 1] as number) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[tail] as number), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The key's UTF-8 bytes; ASCII keys (trace ids, routes) are read without building a Buffer. */
function asciiOrUtf8(key: string): Uint8Array | Buffer {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return Buffer.from(key);
    out[i] = c;
  }
  return out;
}

const toPositive = (x: number): number => x & 0x7fffffff;

/**
 * kafkajs's `Partitioners.DefaultPartitioner` (the Java client's pre-2.4 default: an explicit
 * partition wins, else murmur2 of the key over all partitions, else round robin over the available
 * ones), with the fast {@link murmur2} and without filtering the partition list for every keyed
 * message. Same key, same partition as kafkajs and the Java client.
 */
export const javaCompatiblePartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) {
      return toPositive(murmur2(message.key)) % partitionMetadata.length;
    }
    const counter = (counters.get(topic) ?? Math.floor(Math.random() * 2 ** 32)) + 1;
    counters.set(topic, counter);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length > 0) {
      return (available[toPositive(counter) % available.length] as { partitionId: number })
        .partitionId;
    }
    return toPositive(counter) % partitionMetadata.length;
  };
};
