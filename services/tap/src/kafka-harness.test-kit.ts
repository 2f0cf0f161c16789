/** Integration fixtures: a tap publishing to a fresh topic on the real test broker. */
import { decodeTapRecord } from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import { createKafkaPublisher } from '@shadowdiff/kafka';
import type { KafkaRecordPublisher } from '@shadowdiff/kafka';
import { createTopic, kafkaBrokers, readAll, uniqueName } from '@shadowdiff/testkit';
import type { ReadMessage } from '@shadowdiff/testkit';
import type { RecordLimit } from '@shadowdiff/source';
import { startTap } from './start-tap.js';
import type { TapHandle } from './start-tap.js';
import { metricsHarness, tapConfig } from './test-harness.test-kit.js';
import type { MetricsHarness } from './test-harness.test-kit.js';

export interface KafkaTap {
  tap: TapHandle;
  topic: string;
  publisher: KafkaRecordPublisher;
  metrics: MetricsHarness;
  logs: string[];
  /** Graceful stop: flushes the buffer to Kafka, closes the producer. */
  drain(): Promise<void>;
}

export async function newTopic(): Promise<string> {
  const topic = uniqueName('taps');
  await createTopic(kafkaBrokers(), topic, 3);
  return topic;
}

export async function kafkaTap(options: {
  tap: Record<string, unknown>;
  topic?: string;
  /** Default: the test broker. */
  brokers?: string[];
  /** Wait for the producer before returning (default true). */
  waitForKafka?: boolean;
  redactKey?: string;
  /** The record size limit, as `tap` passes one (default: the config's `kafka.maxMessageBytes`). */
  recordLimit?: RecordLimit;
}): Promise<KafkaTap> {
  const brokers = options.brokers ?? kafkaBrokers();
  const topic = options.topic ?? (await newTopic());
  const logs: string[] = [];
  const publisher = createKafkaPublisher({
    brokers,
    clientId: 'tap-int-test',
    connectionTimeoutMs: 1_000,
    log: (line) => logs.push(line),
  });
  if (options.waitForKafka ?? true) await publisher.ready();
  const metrics = metricsHarness();
  const tap = await startTap({
    config: tapConfig(
      // Self-check (on by default) adds a primary call and a half to a route's first requests;
      // these tests count both, so it is off unless a test turns it on (self-check.test.ts and
      // the mirror test of it on real Kafka).
      { buffer: { lingerMs: 2 }, selfCheck: { enabled: false }, ...options.tap },
      { kafka: { brokers, topics: { taps: topic } } },
    ),
    publisher,
    meter: metrics.meter,
    redactKey: Buffer.from(options.redactKey ?? 'test-redaction-key'),
    log: (line) => logs.push(line),
    ...(options.recordLimit ? { recordLimit: options.recordLimit } : {}),
  });
  let drained: Promise<void> | undefined;
  return {
    tap,
    topic,
    publisher,
    metrics,
    logs,
    drain: () =>
      (drained ??= (async () => {
        await tap.close();
        await publisher.close();
      })()),
  };
}

export interface ReadRecord {
  message: ReadMessage;
  record: TapRecord;
}

/** Reads `count` records from the topic and decodes them (a decode failure fails the test). */
export async function readRecords(topic: string, count: number): Promise<ReadRecord[]> {
  const messages = await readAll(kafkaBrokers(), topic, count);
  return messages.map((message) => {
    const decoded = decodeTapRecord(message.value);
    if (!decoded.ok) throw decoded.error;
    return { message, record: decoded.value };
  });
}

/** Groups records by trace id, each group by role. */
export function byTrace(records: ReadRecord[]): Map<string, Map<string, ReadRecord>> {
  const out = new Map<string, Map<string, ReadRecord>>();
  for (const r of records) {
    const group = out.get(r.record.traceId) ?? new Map<string, ReadRecord>();
    group.set(`${r.record.tapId}/${r.record.role}`, r);
    out.set(r.record.traceId, group);
  }
  return out;
}
