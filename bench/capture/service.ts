/**
 * bench:capture's service: a node:http server answering the 1 KB JSON document, bare or with
 * `@shadowdiff/capture` (records published to Kafka on the publisher thread; optionally mirroring
 * to a shadow). Prints its port on stdout; on SIGTERM it flushes and deletes its topic.
 *
 *   node service.js '<json ServiceSpec>'
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCapture } from '@shadowdiff/capture';
import { validateConfig } from '@shadowdiff/contracts';
import { createThreadedKafkaPublisher } from '@shadowdiff/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { answerDocument } from '../tap/answer-document.js';

export interface ServiceSpec {
  capture: boolean;
  shadow?: string;
  brokers: string[];
  topic: string;
}

const spec = JSON.parse(process.argv[2] as string) as ServiceSpec;
const body = answerDocument();
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
const handler = (req: IncomingMessage, res: ServerResponse): void => {
  req.resume();
  res.writeHead(200, headers).end(body);
};

let close = (): Promise<void> => Promise.resolve();
let server = createServer(handler);
if (spec.capture) {
  const admin = new Kafka({
    brokers: spec.brokers,
    clientId: 'bench-capture-admin',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: spec.topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  const log = (line: string): void => void process.stderr.write(`[capture] ${line}\n`);
  const publisher = createThreadedKafkaPublisher({
    brokers: spec.brokers,
    clientId: 'bench-capture',
    log,
  });
  const config = validateConfig({
    service: 'bench',
    kafka: { brokers: spec.brokers, topics: { taps: spec.topic } },
    // Every request recorded (and, with a shadow, mirrored); self-check off: it adds load on purpose.
    tap: { tapId: 'bench-capture', selfCheck: { enabled: false } },
  });
  const c = createCapture({
    config,
    publisher,
    redactKey: Buffer.from('bench-key'),
    ...(spec.shadow !== undefined ? { shadow: spec.shadow } : {}),
    log,
  });
  server = createServer(c.handler(handler));
  close = async () => {
    await c.close(2_000);
    await publisher.close();
    await admin.deleteTopics({ topics: [spec.topic] }).catch(() => {});
    await admin.disconnect();
  };
}
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  void (async () => {
    server.close();
    await close();
    process.exit(0);
  })();
});
