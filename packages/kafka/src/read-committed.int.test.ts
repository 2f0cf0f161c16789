import { createTopic, kafkaBrokers, readToEnd, testKafka, uniqueName } from '@shadowdiff/testkit';
import type { Producer } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';

const producers: Producer[] = [];
afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.disconnect()));
});

describe('read_committed on the real broker (kafkajs with @shadowdiff/kafkajs-fixes)', () => {
  it('never delivers aborted transactions that interleave and abort out of start order', async () => {
    const brokers = kafkaBrokers();
    const topic = uniqueName('read-committed');
    await createTopic(brokers, topic, 1);
    const kafka = testKafka(brokers);
    const transactional = async (name: string) => {
      const p = kafka.producer({
        transactionalId: uniqueName(name),
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await p.connect();
      producers.push(p);
      return p;
    };
    const [first, second, committer] = await Promise.all([
      transactional('txn-first'),
      transactional('txn-second'),
      transactional('txn-commit'),
    ]);

    // first starts at offset 0, second at 1, and second aborts first: the broker lists the aborted
    // transactions as [second@1, first@0] (marker order), the shape a killed worker leaves when its
    // successor fences its partitions' producers one by one.
    const t1 = await first.transaction();
    await t1.send({ topic, messages: [{ key: 'a', value: 'first-aborted-1' }] });
    const t2 = await second.transaction();
    await t2.send({ topic, messages: [{ key: 'b', value: 'second-aborted' }] });
    await t1.send({ topic, messages: [{ key: 'a', value: 'first-aborted-2' }] });
    const t3 = await committer.transaction();
    await t3.send({ topic, messages: [{ key: 'c', value: 'committed-1' }] });
    await t3.commit();
    await t2.abort();
    await t1.abort();
    // The first producer's next transaction commits: it must not stay hidden after its abort marker.
    const t4 = await first.transaction();
    await t4.send({ topic, messages: [{ key: 'a', value: 'committed-2' }] });
    await t4.commit();

    const values = (await readToEnd(brokers, topic)).map((m) => m.value?.toString());
    expect(values).toEqual(['committed-1', 'committed-2']);
  });
});
