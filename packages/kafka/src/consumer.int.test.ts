import type { SourceMessage } from '@shadowdiff/engine';
import { createTopic, kafkaBrokers, uniqueName } from '@shadowdiff/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaRecordSource } from './consumer.js';

async function produce(
  brokers: string[],
  topic: string,
  count: number,
  prefix = 'k',
): Promise<void> {
  const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({
      key: `${prefix}${i}`,
      value: Buffer.from([i % 256, 0xff, 0x00]),
      headers: { n: String(i) },
    })),
  });
  await producer.disconnect();
}

function until(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = setInterval(() => {
      if (predicate()) {
        clearInterval(tick);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(tick);
        reject(new Error('condition not met in time'));
      }
    }, 20);
  });
}

describe('KafkaRecordSource on a real broker', () => {
  it('delivers every message, retries a failing batch, and commits only handled offsets', async () => {
    const brokers = kafkaBrokers();
    const topic = uniqueName('consumer-test');
    const groupId = uniqueName('consumer-group');
    await createTopic(brokers, topic, 2);
    await produce(brokers, topic, 50);

    const seen = new Map<string, SourceMessage>();
    let failures = 0;
    const errors: unknown[] = [];
    const source = new KafkaRecordSource({
      brokers,
      groupId,
      topics: [topic],
      retryInitialMs: 10,
      onError: (error) => errors.push(error),
    });
    await source.run((batch) => {
      // The first attempt of every batch fails: it must come back, not be skipped.
      if (failures < 2) {
        failures++;
        return Promise.reject(new Error('redis is down'));
      }
      for (const m of batch) seen.set(m.key!, m);
      return Promise.resolve();
    });
    await until(() => seen.size === 50);
    await source.stop();
    expect(errors.length).toBe(2);
    const m7 = seen.get('k7')!;
    expect(m7.topic).toBe(topic);
    expect(Buffer.from(m7.value!).equals(Buffer.from([7, 0xff, 0x00]))).toBe(true);
    expect(m7.headers).toEqual({ n: '7' });
    expect(m7.timestamp).toBeGreaterThan(Date.now() - 120_000);
    expect(typeof m7.offset).toBe('string');

    // Same group again: everything was committed, so nothing is redelivered.
    const again: SourceMessage[] = [];
    const second = new KafkaRecordSource({ brokers, groupId, topics: [topic] });
    await second.run((batch) => {
      again.push(...batch);
      return Promise.resolve();
    });
    await produce(brokers, topic, 1, 'new');
    await until(() => again.length >= 1);
    await second.stop();
    expect(again.map((m) => m.key)).toEqual(['new0']);
  });

  it('leaves a batch unresolved when stopped mid-handler, so the next member gets it again', async () => {
    const brokers = kafkaBrokers();
    const topic = uniqueName('consumer-test');
    const groupId = uniqueName('consumer-group');
    await createTopic(brokers, topic, 1);
    await produce(brokers, topic, 20);

    const first = new KafkaRecordSource({ brokers, groupId, topics: [topic] });
    let stopping: Promise<void> | undefined;
    let firstBatch = 0;
    await first.run((batch) => {
      firstBatch = batch.length;
      // A crash mid-batch: stop is requested and the handler fails before finishing.
      stopping ??= first.stop();
      return Promise.reject(new Error('crashed mid-batch'));
    });
    await until(() => stopping !== undefined);
    await stopping;
    expect(firstBatch).toBeGreaterThan(0);

    const keys = new Set<string>();
    const second = new KafkaRecordSource({ brokers, groupId, topics: [topic] });
    await second.run((batch) => {
      for (const m of batch) keys.add(m.key!);
      return Promise.resolve();
    });
    await until(() => keys.size === 20);
    await second.stop();
    expect(keys.has('k0')).toBe(true);
  });
});
