import { createHash, randomBytes } from 'node:crypto';
import { topicMaxMessageBytes } from '@shadowdiff/kafka';
import { createTopic, kafkaBrokers, uniqueName } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaTap, readRecords } from './kafka-harness.test-kit.js';
import { RecordLimit } from '@shadowdiff/source';
import { learnTopicLimit } from './tap-command.js';
import { fetchRaw, startServer } from './test-harness.test-kit.js';
import type { TestServer } from './test-harness.test-kit.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe("records never exceed the broker's limit", () => {
  it('a 10 MB incompressible answer under a topic of max.message.bytes=200000: the client gets every byte, Kafka a record cut to fit', async () => {
    const brokers = kafkaBrokers();
    const topic = uniqueName('taps-small');
    await createTopic(brokers, topic, 1, { 'max.message.bytes': '200000' });
    expect(await topicMaxMessageBytes({ brokers, topic })).toBe(200_000);

    const big = randomBytes(10 * 1024 * 1024);
    const server: TestServer = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(big);
    });
    cleanup.push(() => server.close());
    const limit = new RecordLimit(1_000_000);
    const stop = new AbortController();
    await learnTopicLimit(
      limit,
      stop.signal,
      () => {},
      () => topicMaxMessageBytes({ brokers, topic }),
    );
    expect(limit.bytes).toBe(200_000);

    const t = await kafkaTap({
      topic,
      recordLimit: limit,
      tap: { upstream: server.url, captureBodyBytes: 16 * 1024 * 1024 },
    });
    cleanup.push(() => t.drain());
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await fetchRaw(`${t.tap.url}/blob/${i}`));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(sha(a.body)).toBe(sha(big));
    }
    await t.drain();

    const records = await readRecords(topic, 3);
    expect(records).toHaveLength(3);
    for (const { message, record } of records) {
      expect(message.value!.byteLength).toBeLessThanOrEqual(200_000);
      expect(record.response?.bodySize).toBe(big.byteLength);
      expect(record.response?.bodyTruncated).toBe(true);
      expect(record.meta?.cutToFit).toBe('200000');
      // What the record keeps is the answer's true prefix.
      const kept = record.response!.body;
      expect(Buffer.from(kept).equals(big.subarray(0, kept.byteLength))).toBe(true);
    }
    expect(await t.metrics.value('shadow.tap.records', { outcome: 'published' })).toBe(3);
    expect(await t.metrics.value('shadow.tap.records', { outcome: 'dropped' })).toBe(0);
  });
});
