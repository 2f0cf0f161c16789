/**
 * Publish benchmark: CPU per record of publishing tap records to Kafka, kafkajs's producer as it
 * ships against shadowdiff's publisher (`@shadowdiff/kafkajs-fixes`' Produce encoder, the 32-bit
 * murmur2 partitioner, synchronous gzip), same broker, same records, alternating in one run.
 * Batch sizes bracket what the tap's linger gives (a few hundred requests per second and 200 ms:
 * ~100 records per partition batch). Prints µs of CPU per record and the ratio. Not a timed test.
 *
 * Run: `npm run bench:publish` (needs Kafka: `bash infra/local/kafka.sh start`). Env: KAFKA_BROKERS
 * (127.0.0.1:19092), BENCH_ROUNDS (2), BENCH_RECORDS (20000 per measurement).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import type { ChildResult, ChildSpec } from './child.js';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 20_000);
const child = join(dirname(fileURLToPath(import.meta.url)), 'child.js');

function measure(spec: ChildSpec): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.once('error', reject);
    p.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as ChildResult);
      else reject(new Error(`bench:publish child exited with ${code}: ${spec.variant}`));
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const admin = new Kafka({
  brokers,
  clientId: 'bench-publish-admin',
  logLevel: logLevel.NOTHING,
}).admin();
try {
  await admin.connect();
} catch (error) {
  process.stderr.write(
    `bench:publish: Kafka is not reachable at ${brokers.join(',')} (${(error as Error).message}); start it: bash infra/local/kafka.sh start\n`,
  );
  process.exit(2);
}
const topic = `bench.publish.${randomUUID()}`;
await admin.createTopics({
  topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
  waitForLeaders: true,
});
const lines = [
  `publish benchmark — ${RECORDS} tap records per measurement, 3 partitions, ${ROUNDS} alternating rounds (median), ${brokers.join(',')}`,
  `${'batch'.padStart(6)} ${'compression'.padEnd(12)} ${'kafkajs µs/rec'.padStart(15)} ${'shadowdiff µs/rec'.padStart(18)} ${'ratio'.padStart(7)}`,
];
let valueBytes = 0;
try {
  for (const compression of ['gzip', 'none'] as const) {
    for (const batch of [10, 30, 100, 300]) {
      const runs: Record<ChildSpec['variant'], number[]> = { kafkajs: [], shadowdiff: [] };
      for (let r = 0; r < ROUNDS; r++) {
        for (const variant of ['kafkajs', 'shadowdiff'] as const) {
          const res = await measure({
            variant,
            brokers,
            topic,
            batch,
            compression,
            records: RECORDS,
          });
          runs[variant].push(res.cpuPerRecord);
          valueBytes = res.valueBytes;
        }
      }
      const [a, b] = [median(runs.kafkajs), median(runs.shadowdiff)];
      lines.push(
        `${String(batch).padStart(6)} ${compression.padEnd(12)} ${a.toFixed(1).padStart(15)} ${b.toFixed(1).padStart(18)} ${`${(b / a).toFixed(2)}x`.padStart(7)}`,
      );
      process.stderr.write(`bench:publish: ${lines[lines.length - 1]}\n`);
    }
  }
} finally {
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
}
lines.push(
  `records: ${valueBytes.toFixed(0)} bytes on average (encoded TapRecord, 1 KB JSON body)`,
);
process.stdout.write(`${lines.join('\n')}\n`);
