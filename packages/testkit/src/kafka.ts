import { applyKafkajsFixes } from '@shadowdiff/kafkajs-fixes';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';

/**
 * A quiet kafkajs client for tests and benchmarks, with shadowdiff's kafkajs fixes applied (without
 * them a read_committed reader can see records of aborted transactions: see @shadowdiff/kafkajs-fixes).
 */
export function testKafka(brokers: string[], clientId = 'testkit'): Kafka {
  applyKafkajsFixes();
  return new Kafka({ brokers, clientId, logLevel: logLevel.NOTHING });
}

/** Creates a topic (with topic-level `configs`, if any) and waits until its leaders are elected. */
export async function createTopic(
  brokers: string[],
  topic: string,
  partitions = 6,
  configs: Record<string, string> = {},
): Promise<void> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: partitions,
          replicationFactor: 1,
          configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
        },
      ],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

export interface ReadMessage {
  key: string | null;
  value: Buffer | null;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

function readMessage(message: KafkaMessage, partition: number): ReadMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return {
    key: message.key?.toString() ?? null,
    value: message.value,
    partition,
    offset: message.offset,
    headers,
  };
}

/**
 * Reads a topic from the beginning until `count` messages arrived or `timeoutMs` passed, with a
 * fresh consumer group. Returns what it got (fewer than `count` on timeout).
 */
export async function readAll(
  brokers: string[],
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> {
  const kafka = testKafka(brokers, 'testkit-reader');
  const consumer = kafka.consumer({ groupId: `testkit-${topic}-${Date.now()}-${Math.random()}` });
  const got: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          got.push(readMessage(message, partition));
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

/**
 * Reads every message a topic holds right now: fetches the high watermarks first, then consumes from
 * the beginning with a fresh group until each partition reached its mark. Unlike `readAll(count)`,
 * this proves there is nothing more (no duplicate waiting behind the count), without sleeping.
 * Read-committed: transactional writes count once committed, aborted ones never; progress is
 * tracked on batch ends, so transaction markers (never delivered as messages) still count.
 */
export async function readToEnd(
  brokers: string[],
  topic: string,
  timeoutMs = 30_000,
): Promise<ReadMessage[]> {
  const kafka = testKafka(brokers, 'testkit-reader');
  const admin = kafka.admin();
  await admin.connect();
  const marks = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map<number, bigint>();
  for (const p of marks) {
    if (BigInt(p.high) > BigInt(p.low)) remaining.set(p.partition, BigInt(p.high));
  }
  const got: ReadMessage[] = [];
  if (remaining.size === 0) return got;
  const consumer = kafka.consumer({
    groupId: `testkit-end-${topic}-${Date.now()}-${Math.random()}`,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `readToEnd(${topic}): partitions ${[...remaining.keys()].join(',')} not read to their end in ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const high = remaining.get(payload.partition);
        if (high !== undefined && BigInt(payload.lastOffset) + 1n >= high) {
          remaining.delete(payload.partition);
        }
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          const high = remaining.get(partition);
          if (high === undefined || BigInt(message.offset) >= high) return;
          got.push(readMessage(message, partition));
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}
