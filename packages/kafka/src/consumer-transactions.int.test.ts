import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import { createTopic, kafkaBrokers, readToEnd, uniqueName, waitFor } from '@shadowdiff/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaRecordSource } from './consumer.js';

const unused: RecordPublisher = {
  publish: () => Promise.reject(new Error('outside a batch')),
  close: () => Promise.resolve(),
};

describe('KafkaRecordSource, transactional', () => {
  it('commits what a batch published together with its offsets, and nothing of a failed try', async () => {
    const brokers = kafkaBrokers();
    const input = uniqueName('txn-in');
    const output = uniqueName('txn-out');
    const groupId = uniqueName('txn-group');
    await createTopic(brokers, input, 2);
    await createTopic(brokers, output, 2);
    const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic: input,
      messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });

    const source = new KafkaRecordSource({
      brokers,
      groupId,
      topics: [input],
      transactional: true,
      retryInitialMs: 10,
    });
    const publisher = source.publisher(unused);
    let failures = 0;
    let handled = 0;
    const committed: string[] = [];
    await source.run(async (batch) => {
      expect(publisher.inTransaction()).toBe(true);
      const out: OutboundMessage[] = batch.map((m) => ({
        topic: output,
        key: m.key,
        value: Buffer.from(`out-${m.key}`),
      }));
      await publisher.publish(out);
      // The first try of each of the first two batches fails after writing: those writes must
      // never become visible, and the batch must come back.
      if (failures < 2) {
        failures++;
        throw new Error('crash after publishing');
      }
      publisher.afterCommit(() => {
        committed.push(...batch.map((m) => m.key!));
        return Promise.resolve();
      });
      handled += batch.length;
    });
    await waitFor('every input handled', () => committed.length === 40);
    expect(publisher.inTransaction()).toBe(false);
    await source.stop();

    const out = await readToEnd(brokers, output);
    expect(out.map((m) => m.key).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `k${i}`).sort(),
    );
    expect(handled).toBe(40);

    // The offsets were committed inside the transactions: the group has nothing left to read.
    const again: string[] = [];
    const second = new KafkaRecordSource({
      brokers,
      groupId,
      topics: [input],
      transactional: true,
    });
    await second.run((batch) => {
      again.push(...batch.map((m) => m.key!));
      return Promise.resolve();
    });
    await producer.send({ topic: input, messages: [{ key: 'late', value: 'x' }] });
    await waitFor('the new message', () => again.length >= 1);
    await second.stop();
    await producer.disconnect();
    expect(again).toEqual(['late']);
  });
});
