import { testKafka } from '@shadowdiff/testkit/fixtures';
import type { Kafka } from 'kafkajs';
import type { Admin, Producer } from 'kafkajs';
import type { Pair } from './records.js';

export function kafka(brokers: string[]): Kafka {
  return testKafka(brokers, 'bench-worker');
}

export async function createTopics(admin: Admin, topics: [string, number][]): Promise<void> {
  await admin.createTopics({
    topics: topics.map(([topic, numPartitions]) => ({
      topic,
      numPartitions,
      replicationFactor: 1,
    })),
    waitForLeaders: true,
  });
}

const messagesOf = (p: Pair, timestamp?: string) => [
  { key: p.traceId, value: p.primary, ...(timestamp ? { timestamp } : {}) },
  { key: p.traceId, value: p.shadow, ...(timestamp ? { timestamp } : {}) },
];

/** Publishes every pair as fast as the producer goes (4 sends in flight of 200 pairs each). */
export async function produceBurst(
  producer: Producer,
  topic: string,
  pairs: Pair[],
): Promise<number> {
  const started = Date.now();
  const chunk = 200;
  const inFlight = new Set<Promise<unknown>>();
  for (let at = 0; at < pairs.length; at += chunk) {
    const p = producer
      .send({ topic, acks: 1, messages: pairs.slice(at, at + chunk).flatMap((x) => messagesOf(x)) })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return Date.now() - started;
}

/**
 * Publishes pairs at `rate` pairs/s for as long as the list lasts, both halves of a pair in one
 * send, stamped with the send time. `publishedAt` gets each trace's (later half's) publish time.
 */
export async function producePaced(
  producer: Producer,
  topic: string,
  pairs: Pair[],
  rate: number,
  publishedAt: Map<string, number>,
): Promise<void> {
  const started = Date.now();
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  while (sent < pairs.length) {
    const due = Math.min(pairs.length, Math.floor(((Date.now() - started) / 1000) * rate));
    if (due > sent) {
      const now = Date.now();
      const batch = pairs.slice(sent, due);
      for (const p of batch) publishedAt.set(p.traceId, now);
      const stamp = String(now);
      // After a stall (GC, a busy machine) many pairs are due at once: keep each request small.
      for (let at = 0; at < batch.length; at += 200) {
        const messages = batch.slice(at, at + 200).flatMap((x) => messagesOf(x, stamp));
        const p = producer.send({ topic, acks: 1, messages }).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      sent = due;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(inFlight);
}

export interface Collected {
  /** Verdict publish times (Kafka message timestamps), one per distinct trace. */
  at: Map<string, number>;
  duplicates: number;
  stop(): Promise<void>;
  done: Promise<void>;
}

/** Reads verdicts until `expected` distinct traces were seen. */
export async function collectVerdicts(
  k: Kafka,
  topic: string,
  expected: number,
): Promise<Collected> {
  const consumer = k.consumer({
    groupId: `bench-verdicts-${Date.now()}-${Math.random()}`,
    maxWaitTimeInMs: 50,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const at = new Map<string, number>();
  let duplicates = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  await consumer.run({
    eachBatch: ({ batch }) => {
      for (const m of batch.messages) {
        const traceId = (JSON.parse(m.value!.toString()) as { traceId: string }).traceId;
        if (at.has(traceId)) duplicates++;
        else at.set(traceId, Number(m.timestamp));
      }
      if (at.size >= expected) resolve();
      return Promise.resolve();
    },
  });
  return {
    at,
    get duplicates() {
      return duplicates;
    },
    done,
    stop: () => consumer.disconnect(),
  };
}

/**
 * The baseline: a plain kafkajs consumer group member doing nothing with the records, same
 * concurrency as the worker. Returns receive times (for throughput) and receive − publish times.
 */
export async function rawConsume(
  k: Kafka,
  topic: string,
  expectedRecords: number,
  timeoutMs: number,
): Promise<{ receivedAt: number[]; lags: number[] }> {
  const consumer = k.consumer({
    groupId: `bench-raw-${Date.now()}-${Math.random()}`,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 1_048_576,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const receivedAt: number[] = [];
  const lags: number[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    void consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: ({ batch }) => {
        const now = Date.now();
        for (const m of batch.messages) {
          receivedAt.push(now);
          lags.push(now - Number(m.timestamp));
        }
        if (receivedAt.length >= expectedRecords) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return { receivedAt, lags };
}

export async function groupStable(admin: Admin, group: string, members: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const g = (await admin.describeGroups([group])).groups[0];
    if (g?.state === 'Stable' && g.members.length === members) return;
    if (Date.now() > deadline)
      throw new Error(`group ${group} never became stable with ${members} members`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
