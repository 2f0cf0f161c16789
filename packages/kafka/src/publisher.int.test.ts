import { createServer } from 'node:net';
import { ShadowdiffError } from '@shadowdiff/contracts';
import { createTopic, kafkaBrokers, readAll, uniqueName } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { murmur2 } from './partitioner.js';
import { createKafkaPublisher } from './publisher.js';
import { createThreadedKafkaPublisher } from './threaded-publisher.js';

/** A loopback port nothing listens on: to the client, the same as a broker that is down. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// The same behaviour in process and on the publisher thread (the tap's default).
describe.each([
  ['createKafkaPublisher', createKafkaPublisher],
  ['createThreadedKafkaPublisher', createThreadedKafkaPublisher],
])('%s', (_name, createKafkaPublisher) => {
  it('publishes keyed, compressed batches that read back byte for byte, one partition per key', async () => {
    const brokers = kafkaBrokers();
    const topic = uniqueName('publisher');
    await createTopic(brokers, topic, 4);
    const publisher = createKafkaPublisher({ brokers, clientId: 'publisher-test' });
    try {
      await publisher.ready();
      expect(publisher.state).toBe('connected');
      const messages = Array.from({ length: 20 }, (_, i) => ({
        topic,
        key: `trace-${i % 5}`,
        value: Buffer.from(`value-${i}-${'x'.repeat(i * 10)}`),
        headers: { n: String(i) },
      }));
      await publisher.publish(messages.slice(0, 10));
      await publisher.publish(messages.slice(10));
      const got = await readAll(brokers, topic, 20);
      expect(got).toHaveLength(20);
      const byValue = new Map(got.map((m) => [m.value?.toString(), m]));
      for (const m of messages) {
        const read = byValue.get(m.value.toString());
        expect(read?.key).toBe(m.key);
        expect(read?.headers.n).toBe(m.headers.n);
      }
      const partitionsPerKey = new Map<string, Set<number>>();
      for (const m of got) {
        const set = partitionsPerKey.get(m.key ?? '') ?? new Set<number>();
        set.add(m.partition);
        partitionsPerKey.set(m.key ?? '', set);
      }
      // The Java client's partition for each key: murmur2, positive, modulo the partition count.
      for (const [key, set] of partitionsPerKey) {
        expect([...set]).toEqual([(murmur2(key) & 0x7fffffff) % 4]);
      }
    } finally {
      await publisher.close();
    }
  });

  it('rejects at once with a retriable transport error while no broker answers, and closes cleanly', async () => {
    const lines: string[] = [];
    const publisher = createKafkaPublisher({
      brokers: [`127.0.0.1:${await deadPort()}`],
      clientId: 'publisher-down-test',
      connectionTimeoutMs: 500,
      log: (line) => lines.push(line),
    });
    const message = { topic: uniqueName('nowhere'), key: 'k', value: Buffer.from('v') };
    const error = await publisher.publish([message]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ShadowdiffError);
    expect((error as ShadowdiffError).code).toBe('ERR_TRANSPORT');
    expect((error as ShadowdiffError).retriable).toBe(true);
    expect(publisher.state).toBe('connecting');
    await expect.poll(() => lines.some((l) => l.includes('cannot connect'))).toBe(true);
    expect(publisher.lastError).toBeDefined();

    const ready = expect(publisher.ready()).rejects.toThrow(/closed/);
    await publisher.close();
    await ready;
    const afterClose = await publisher.publish([message]).catch((e: unknown) => e);
    expect((afterClose as ShadowdiffError).retriable).toBe(false);
  });
});
