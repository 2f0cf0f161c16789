import * as http from 'node:http';
import { decodeTapRecord } from '@shadowdiff/contracts';
import { createThreadedKafkaPublisher } from '@shadowdiff/kafka';
import { createTopic, deadPort, kafkaBrokers, readAll, uniqueName } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createCapture } from './capture.js';
import { captureConfig, fetchRaw, listen, traceparent } from './capture.test-kit.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

const BODY = JSON.stringify({ hello: 'kafka' });

async function capturedService(brokers: string[]) {
  const publisher = createThreadedKafkaPublisher({ brokers, clientId: 'capture-test' });
  const c = createCapture({
    config: captureConfig({ buffer: { lingerMs: 5, maxRecords: 50 } }),
    publisher,
    log: () => {},
  });
  const server = http.createServer(
    c.handler((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(BODY);
    }),
  );
  const l = await listen(server);
  open.push({ close: () => publisher.close() }, { close: () => c.close(2_000) }, l);
  return { url: l.url, c };
}

describe('capture through the Kafka publisher', () => {
  it('publishes primary records to the taps topic on the publisher thread', async () => {
    const brokers = kafkaBrokers();
    const topic = uniqueName('capture-taps');
    await createTopic(brokers, topic, 1);
    const publisher = createThreadedKafkaPublisher({ brokers, clientId: 'capture-test' });
    const config = captureConfig();
    const c = createCapture({
      config: {
        ...config,
        kafka: { ...config.kafka, topics: { ...config.kafka.topics, taps: topic } },
      },
      publisher,
      log: () => {},
    });
    const l = await listen(
      http.createServer(c.handler((_req, res) => res.writeHead(200).end(BODY))),
    );
    open.push({ close: () => publisher.close() }, { close: () => c.close(5_000) }, l);
    for (let i = 1; i <= 3; i++) {
      await fetchRaw(`${l.url}/k/${i}`, { headers: { traceparent: traceparent(i) } });
    }
    const got = await readAll(brokers, topic, 3);
    const records = got
      .map((m) => decodeTapRecord(m.value))
      .flatMap((d) => (d.ok ? [d.value] : []));
    expect(records.map((r) => r.request.url).sort()).toEqual(['/k/1', '/k/2', '/k/3']);
    expect(records.every((r) => r.role === 'primary')).toBe(true);
    expect(got[0]?.key).toBe(records[0]?.traceId);
  });

  it('with Kafka dead, every answer is the service’s, and what does not fit is dropped', async () => {
    const { url, c } = await capturedService([`127.0.0.1:${await deadPort()}`]);
    for (let i = 0; i < 80; i++) {
      const got = await fetchRaw(`${url}/dead/${i}`, { headers: { traceparent: traceparent(i) } });
      expect([got.status, got.body.toString()]).toEqual([200, BODY]);
    }
    expect(c.stats().buffer.records).toBeLessThanOrEqual(50);
    expect(c.stats().internalErrors).toBe(0);
  });
});
