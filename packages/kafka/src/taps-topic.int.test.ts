import { randomBytes } from 'node:crypto';
import { decodeTapRecord, encodeTapRecord } from '@shadowdiff/contracts';
import type { Role, TapRecord } from '@shadowdiff/contracts';
import {
  createTopic,
  jsonTapRecord,
  kafkaBrokers,
  kafkaSource,
  uniqueName,
} from '@shadowdiff/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';

function record(traceId: string, role: Role, i: number): TapRecord {
  // Binary-safe: random bytes must come back byte for byte.
  const body = i % 2 === 0 ? { id: i, role } : randomBytes(64 + i);
  return jsonTapRecord(traceId, role, body, {
    url: `/orders/${i}`,
    capturedAt: 1_700_000_000_000 + i,
    durationMs: 3.5,
  });
}

describe('shadowdiff.taps on a real Kafka broker', () => {
  it('round-trips TapRecords through a 6-partition topic and a consumer group, pairs co-partitioned', async () => {
    const brokers = kafkaBrokers();
    const topic = uniqueName('shadowdiff.taps.test');
    await createTopic(brokers, topic, 6);
    const kafka = new Kafka({ brokers, clientId: 'foundation-test', logLevel: logLevel.NOTHING });

    const admin = kafka.admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    // Logged on purpose: the closing note and CI logs say which broker the suite ran against.
    console.info(
      `[kafka] source=${kafkaSource()} clusterId=${cluster.clusterId} brokers=${cluster.brokers.length} controller=${cluster.controller}`,
    );
    expect(meta.topics[0]?.partitions).toHaveLength(6);

    const sent: TapRecord[] = [];
    for (let i = 0; i < 60; i++) {
      const traceId = randomBytes(16).toString('hex');
      sent.push(record(traceId, 'primary', i), record(traceId, 'shadow', i));
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: sent.map((r) => ({ key: r.traceId, value: encodeTapRecord(r) })),
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('foundation-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { partition: number; record: TapRecord }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${received.length}/${sent.length} arrived`)),
        30_000,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const decoded = decodeTapRecord(message.value);
          if (!decoded.ok) throw decoded.error;
          expect(message.key?.toString()).toBe(decoded.value.traceId);
          received.push({ partition, record: decoded.value });
          if (received.length === sent.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();

    const norm = (r: TapRecord) => ({
      ...r,
      request: { ...r.request, body: Buffer.from(r.request.body).toString('hex') },
      response: { ...r.response!, body: Buffer.from(r.response!.body).toString('hex') },
    });
    const byKey = (r: TapRecord) => `${r.traceId}/${r.role}`;
    const got = new Map(received.map(({ record: r }) => [byKey(r), norm(r)]));
    expect(got.size).toBe(sent.length);
    for (const r of sent) expect(got.get(byKey(r))).toEqual(norm(r));

    const partitionOf = new Map<string, Set<number>>();
    for (const { partition, record: r } of received) {
      const set = partitionOf.get(r.traceId) ?? new Set<number>();
      set.add(partition);
      partitionOf.set(r.traceId, set);
    }
    for (const parts of partitionOf.values()) expect(parts.size).toBe(1);
    // Keys spread over more than one partition, so co-partitioning is not an accident of one partition.
    expect(new Set(received.map((r) => r.partition)).size).toBeGreaterThan(1);
  });
});
