/**
 * One measurement of bench:publish, in a process of its own (kafkajs's codec table and the Produce
 * encoder are process-wide): publishes batches of tap records to a fresh topic and prints the CPU
 * per record as JSON.
 *
 *   node child.js '<json ChildSpec>'
 */
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, unzip } from 'node:zlib';
import { createKafkaPublisher } from '@shadowdiff/kafka';
import type { OutboundMessage } from '@shadowdiff/engine';
import { encodedJsonTapRecord } from '@shadowdiff/testkit/fixtures';
import kafkajs, { CompressionTypes, Kafka, Partitioners, logLevel } from 'kafkajs';

export interface ChildSpec {
  /** `kafkajs`: its producer as shipped (gzip level 1 through zlib's async path, as shadowdiff
   *  used to); `shadowdiff`: `createKafkaPublisher` with `@shadowdiff/kafkajs-fixes`. */
  variant: 'kafkajs' | 'shadowdiff';
  brokers: string[];
  topic: string;
  batch: number;
  compression: 'gzip' | 'none';
  records: number;
}

export interface ChildResult {
  cpuPerRecord: number;
  recordsPerSecond: number;
  valueBytes: number;
}

const spec = JSON.parse(process.argv[2] as string) as ChildSpec;

type Publish = (messages: OutboundMessage[]) => Promise<void>;

async function publisherFor(s: ChildSpec): Promise<{ publish: Publish; close(): Promise<void> }> {
  if (s.variant === 'shadowdiff') {
    const p = createKafkaPublisher({
      brokers: s.brokers,
      clientId: 'bench-publish',
      compression: s.compression,
    });
    await p.ready();
    return p;
  }
  const gzipAsync = promisify(gzip);
  const unzipAsync = promisify(unzip);
  kafkajs.CompressionCodecs[CompressionTypes.GZIP] = () => ({
    compress: (encoder: { buffer: Buffer }) => gzipAsync(encoder.buffer, { level: 1 }),
    decompress: (buffer: Buffer) => unzipAsync(buffer),
  });
  const producer = new Kafka({
    brokers: s.brokers,
    clientId: 'bench-publish-kafkajs',
    logLevel: logLevel.NOTHING,
  }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const compression = s.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  return {
    publish: async (messages) => {
      await producer.sendBatch({
        acks: -1,
        compression,
        topicMessages: [
          {
            topic: s.topic,
            messages: messages.map((m) => ({ key: m.key, value: m.value as Buffer })),
          },
        ],
      });
    },
    close: () => producer.disconnect(),
  };
}

/** A primary half with a ~1 KB JSON body whose ids differ per record (so gzip sees real work). */
function record(): OutboundMessage {
  const traceId = randomBytes(16).toString('hex');
  const items = Array.from({ length: 12 }, (_, i) => ({
    sku: `SKU-${randomBytes(3).toString('hex')}`,
    qty: i + 1,
    price: Math.round(Math.random() * 10_000) / 100,
  }));
  const body = { id: Math.floor(Math.random() * 1e9), status: 'shipped', customer: 'c-7', items };
  return { topic: spec.topic, key: traceId, value: encodedJsonTapRecord(traceId, 'primary', body) };
}

const publisher = await publisherFor(spec);
const pool = Array.from({ length: 2_000 }, record);
let next = 0;
const batch = (): OutboundMessage[] =>
  Array.from({ length: spec.batch }, () => pool[next++ % pool.length] as OutboundMessage);
for (let i = 0; i < Math.max(10, Math.ceil(2_000 / spec.batch)); i++)
  await publisher.publish(batch());
const rounds = Math.ceil(spec.records / spec.batch);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < rounds; i++) await publisher.publish(batch());
const cpu = process.cpuUsage(cpu0);
const seconds = (performance.now() - t0) / 1000;
await publisher.close();
const result: ChildResult = {
  cpuPerRecord: (cpu.user + cpu.system) / (rounds * spec.batch),
  recordsPerSecond: (rounds * spec.batch) / seconds,
  valueBytes: pool.reduce((n, m) => n + m.value.byteLength, 0) / pool.length,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
