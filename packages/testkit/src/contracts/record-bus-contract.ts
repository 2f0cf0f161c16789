import type { RecordPublisher, RecordSource, SourceMessage } from '@shadowdiff/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueName } from '../names.js';
import { waitFor } from './wait-for.js';

export interface RecordBusHarness {
  /** A fresh topic for this test (created with several partitions where that matters). */
  topic: string;
  publisher: RecordPublisher;
  /**
   * A new member of consumer group `group` on `topic`. A group new to the topic starts at its
   * oldest message.
   */
  source(group: string): RecordSource;
  close(): Promise<void>;
}

function text(value: Uint8Array | null): string {
  return value === null ? '' : new TextDecoder().decode(value);
}

/**
 * The behaviour every transport shares (in-memory bus, Kafka): messages arrive whole, per key in
 * order on one partition; groups are independent; members of a group share the work; offsets move
 * only after the handler resolved, so a rejected or unfinished batch is delivered again.
 */
export function recordBusContract(name: string, setup: () => Promise<RecordBusHarness>): void {
  describe(`record bus contract: ${name}`, () => {
    let harness: RecordBusHarness;
    let sources: RecordSource[];

    beforeEach(async () => {
      harness = await setup();
      sources = [];
    });
    afterEach(async () => {
      await Promise.all(sources.map((source) => source.stop()));
      await harness.close();
    });

    async function consume(
      group: string,
      handle: (batch: SourceMessage[]) => Promise<void>,
    ): Promise<RecordSource> {
      const source = harness.source(group);
      sources.push(source);
      await source.run(handle);
      return source;
    }

    async function publish(keys: string[], round = 0): Promise<void> {
      await harness.publisher.publish(
        keys.map((key, i) => ({
          topic: harness.topic,
          key,
          value: new TextEncoder().encode(`${key}#${round}#${i}`),
          headers: { 'x-index': String(i) },
        })),
      );
    }

    it('delivers every message whole, each key on one partition in publish order', async () => {
      const keys = Array.from({ length: 120 }, (_, i) => `key-${i % 12}`);
      const got: SourceMessage[] = [];
      await consume(uniqueName('group'), (batch) => {
        got.push(...batch);
        return Promise.resolve();
      });
      await publish(keys);
      await waitFor('120 messages', () => got.length >= 120);
      expect(got.map((m) => text(m.value)).sort()).toEqual(
        keys.map((k, i) => `${k}#0#${i}`).sort(),
      );
      for (const message of got) {
        expect(message.topic).toBe(harness.topic);
        expect(text(message.value).startsWith(`${message.key}#`)).toBe(true);
        expect(message.headers?.['x-index']).toBe(text(message.value).split('#')[2]);
        expect(typeof message.timestamp).toBe('number');
      }
      for (let k = 0; k < 12; k++) {
        const ofKey = got.filter((m) => m.key === `key-${k}`);
        expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1);
        const order = ofKey.map((m) => Number(text(m.value).split('#')[2]));
        expect(order).toEqual([...order].sort((a, b) => a - b));
        const offsets = ofKey.map((m) => BigInt(m.offset));
        expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }
    });

    it('redelivers a batch whose handler rejected', async () => {
      const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
      const got = new Map<string, number>();
      let failures = 0;
      await consume(uniqueName('group'), (batch) => {
        if (failures < 2) {
          failures += 1;
          return Promise.reject(new Error('handler blip'));
        }
        for (const m of batch) got.set(text(m.value), (got.get(text(m.value)) ?? 0) + 1);
        return Promise.resolve();
      });
      await publish(keys);
      await waitFor('every message after the failures', () => got.size >= 30);
      expect(failures).toBe(2);
    });

    it('resumes a group after its last committed batch, redelivering what was not committed', async () => {
      const group = uniqueName('group');
      const first = Array.from({ length: 40 }, (_, i) => `a${i}`);
      const seen: string[] = [];
      const source = await consume(group, (batch) => {
        seen.push(...batch.map((m) => text(m.value)));
        return Promise.resolve();
      });
      await publish(first);
      await waitFor('the first 40', () => seen.length >= 40);
      await source.stop();

      // A member that never finishes a batch commits nothing: its messages come again.
      const second = Array.from({ length: 20 }, (_, i) => `b${i}`);
      await publish(second, 1);
      const stuck: string[] = [];
      const failing = await consume(group, (batch) => {
        stuck.push(...batch.map((m) => text(m.value)));
        return Promise.reject(new Error('never commits'));
      });
      await waitFor('the stuck member to see a batch', () => stuck.length > 0);
      await failing.stop();

      const resumed: string[] = [];
      await consume(group, (batch) => {
        resumed.push(...batch.map((m) => text(m.value)));
        return Promise.resolve();
      });
      await waitFor('the 20 uncommitted', () => new Set(resumed).size >= 20);
      expect(new Set(resumed)).toEqual(new Set(second.map((k, i) => `${k}#1#${i}`)));
    });

    it('gives every group every message', async () => {
      const keys = Array.from({ length: 50 }, (_, i) => `g${i}`);
      const one = new Set<string>();
      const two = new Set<string>();
      await consume(uniqueName('group'), (batch) => {
        for (const m of batch) one.add(text(m.value));
        return Promise.resolve();
      });
      await consume(uniqueName('group'), (batch) => {
        for (const m of batch) two.add(text(m.value));
        return Promise.resolve();
      });
      await publish(keys);
      await waitFor('both groups to get 50', () => one.size >= 50 && two.size >= 50);
      expect(one).toEqual(two);
    });

    it('shares a group between two members, together covering every message', async () => {
      const group = uniqueName('group');
      const keys = Array.from({ length: 200 }, (_, i) => `m${i}`);
      const byMember = [new Set<string>(), new Set<string>()];
      await consume(group, (batch) => {
        for (const m of batch) byMember[0]!.add(text(m.value));
        return Promise.resolve();
      });
      await consume(group, (batch) => {
        for (const m of batch) byMember[1]!.add(text(m.value));
        return Promise.resolve();
      });
      await publish(keys);
      await waitFor(
        '200 across members',
        () => new Set([...byMember[0]!, ...byMember[1]!]).size >= 200,
      );
      expect(new Set([...byMember[0]!, ...byMember[1]!]).size).toBe(200);
    });
  });
}
