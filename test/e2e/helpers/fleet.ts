import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { decodeVerdict, encodeTapRecord } from '@shadowdiff/contracts';
import type { Role, TapRecord, Verdict } from '@shadowdiff/contracts';
import {
  createTopic,
  jsonTapRecord,
  kafkaBrokers,
  readToEnd,
  redisUrl,
  testKafka,
} from '@shadowdiff/testkit';
export { dropKeys } from '@shadowdiff/testkit';
import type { Kafka } from 'kafkajs';

export interface E2eNames {
  taps: string;
  verdicts: string;
  dlq: string;
  group: string;
  prefix: string;
}

/** Fresh topics, group and Redis key prefix for one test. */
export async function e2eNames(): Promise<E2eNames> {
  const id = `e2e-${randomUUID()}`;
  const names = {
    taps: `${id}.taps`,
    verdicts: `${id}.verdicts`,
    dlq: `${id}.dlq`,
    group: `${id}-group`,
    prefix: `sdtest:${id}:`,
  };
  for (const [topic, partitions] of [
    [names.taps, 6],
    [names.verdicts, 3],
    [names.dlq, 1],
  ] as const) {
    for (let attempt = 1; ; attempt++) {
      try {
        await createTopic(kafkaBrokers(), topic, partitions);
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }
  return names;
}

/** The config file a worker child process runs with. */
export function workerConfig(
  names: E2eNames,
  over: { windowMs?: number; prometheusPort?: number } = {},
): Record<string, unknown> {
  return {
    service: 'orders',
    kafka: {
      brokers: kafkaBrokers(),
      topics: { taps: names.taps, verdicts: names.verdicts, dlq: names.dlq },
    },
    redis: { url: redisUrl(), keyPrefix: names.prefix },
    worker: { groupId: names.group, windowMs: over.windowMs ?? 2_000 },
    telemetry: {
      prometheus:
        over.prometheusPort === undefined
          ? { enabled: false }
          : { enabled: true, host: '127.0.0.1', port: over.prometheusPort },
    },
  };
}

export function record(traceId: string, role: Role, body: unknown, i: number): TapRecord {
  return jsonTapRecord(traceId, role, body, {
    url: `/orders/${i}`,
    tapId: `e2e-${role}`,
    durationMs: 5 + (i % 40),
  });
}

/** Both halves of trace `i`; every 5th shadow drifts in `/total`. */
export function pairMessages(traceId: string, i: number): { key: string; value: Buffer }[] {
  const body = { id: i, total: 10, lines: ['a', 'b', 'c'] };
  return [
    { key: traceId, value: encodeTapRecord(record(traceId, 'primary', body, i)) },
    {
      key: traceId,
      value: encodeTapRecord(
        record(traceId, 'shadow', { ...body, total: i % 5 === 0 ? 11 : 10 }, i),
      ),
    },
  ];
}

export function kafka(): Kafka {
  return testKafka(kafkaBrokers());
}

/** Every verdict on the topic (read to its high watermarks), decoded. */
export async function allVerdicts(topic: string): Promise<Verdict[]> {
  return (await placedVerdicts(topic)).map((p) => p.verdict);
}

/** Every verdict on the topic with the partition and offset it sits at (for failure reports). */
export async function placedVerdicts(
  topic: string,
): Promise<{ verdict: Verdict; partition: number; offset: string }[]> {
  return (await readToEnd(kafkaBrokers(), topic)).map((m) => {
    const d = decodeVerdict(m.value);
    if (!d.ok) throw d.error;
    return { verdict: d.value, partition: m.partition, offset: m.offset };
  });
}

/** Live set of trace ids with a verdict, for waiting. */
export async function watchVerdicts(
  topic: string,
): Promise<{ seen: Set<string>; stop(): Promise<void> }> {
  const consumer = kafka().consumer({ groupId: `e2e-watch-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Set<string>();
  await consumer.run({
    eachMessage: ({ message }) => {
      const d = decodeVerdict(message.value);
      if (d.ok) seen.add(d.value.traceId);
      return Promise.resolve();
    },
  });
  return { seen, stop: () => consumer.disconnect() };
}

/** Waits until the group is stable with `members` members. */
export async function groupMembers(
  group: string,
  members: number,
  timeoutMs = 30_000,
): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const g = (await admin.describeGroups([group])).groups[0];
      if (g?.state === 'Stable' && g.members.length === members) return;
      if (Date.now() > deadline)
        throw new Error(`group ${group}: ${g?.members.length ?? 0} members (${g?.state})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
