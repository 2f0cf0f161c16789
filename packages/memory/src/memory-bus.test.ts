import type { SourceMessage } from '@shadowdiff/engine';
import { recordBusContract, uniqueName, waitFor } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from './memory-bus.js';

recordBusContract('MemoryBus', () => {
  const bus = new MemoryBus({ partitions: 4 });
  const publisher = bus.publisher();
  const topic = uniqueName('topic');
  return Promise.resolve({
    topic,
    publisher,
    source: (group) => bus.source(topic, group, { retryDelayMs: 10 }),
    close: () => publisher.close(),
  });
});

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('MemoryBus', () => {
  it('splits partitions between the members of a group, and rebalances when one leaves', async () => {
    const bus = new MemoryBus({ partitions: 4 });
    const seen: [string, number][] = [];
    const member = (name: string) => {
      const source = bus.source('t', 'g');
      return source
        .run((batch) => {
          for (const m of batch) seen.push([name, m.partition]);
          return Promise.resolve();
        })
        .then(() => source);
    };
    const a = await member('a');
    const b = await member('b');
    const keys = Array.from({ length: 40 }, (_, i) => ({
      topic: 't',
      key: `k${i}`,
      value: encode('x'),
    }));
    await bus.publisher().publish(keys);
    await waitFor('40 deliveries', () => seen.length >= 40);
    const partitionsOf = (name: string) =>
      new Set(seen.filter(([n]) => n === name).map(([, p]) => p));
    expect(partitionsOf('a')).toEqual(new Set([0, 2]));
    expect(partitionsOf('b')).toEqual(new Set([1, 3]));

    await a.stop();
    seen.length = 0;
    await bus.publisher().publish(keys);
    await waitFor('40 more', () => seen.length >= 40);
    expect(partitionsOf('b')).toEqual(new Set([0, 1, 2, 3]));
    await b.stop();
  });

  it('commits only after the handler resolves: stop waits for the batch in flight', async () => {
    const bus = new MemoryBus({ partitions: 1 });
    const source = bus.source('t', 'g');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const got: SourceMessage[] = [];
    await source.run(async (batch) => {
      got.push(...batch);
      await gate;
    });
    await bus.publisher().publish([{ topic: 't', key: 'k', value: encode('v') }]);
    await waitFor('the batch', () => got.length === 1);
    let stopped = false;
    const stopping = source.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    // Committed: a new member of the group starts after it, and the log was trimmed.
    expect(bus.retained('t')).toEqual([]);
  });

  it('keeps messages no group has read, up to the retention cap', async () => {
    const bus = new MemoryBus({ partitions: 1, retainPerPartition: 3 });
    await bus
      .publisher()
      .publish(['a', 'b', 'c', 'd', 'e'].map((v) => ({ topic: 't', key: null, value: encode(v) })));
    const retained = bus.retained('t');
    expect(retained.map((m) => new TextDecoder().decode(m.value!))).toEqual(['c', 'd', 'e']);
    expect(retained.map((m) => m.offset)).toEqual(['2', '3', '4']);
  });
});
