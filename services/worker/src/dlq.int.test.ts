import { randomBytes } from 'node:crypto';
import { DLQ_HEADERS } from '@shadowdiff/contracts';
import {
  encodedJsonTapRecord as encodedHalf,
  kafkaBrokers,
  readToEnd,
  waitFor,
} from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allVerdicts,
  dropKeys,
  fleetConfig,
  fleetNames,
  producer,
  startTestWorker,
  total,
  verdictWatcher,
} from './fleet.test-kit.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('undecodable input on real Kafka', () => {
  it('sends garbage and truncated records to the DLQ with code and reason, and carries on', async () => {
    const names = await fleetNames();
    cleanup.push(() => dropKeys(names.prefix));
    const w = await startTestWorker(fleetConfig(names));
    cleanup.push(() => w.stop());
    const watcher = await verdictWatcher(names.verdicts);
    cleanup.push(() => watcher.stop());

    const good = encodedHalf('aa11', 'primary', { ok: true });
    const futureVersion = Buffer.from(good);
    futureVersion[2] = 9;
    const bad = [
      { key: 'garbage', value: randomBytes(300), code: 'ERR_DECODE_MAGIC' },
      { key: 'truncated', value: good.subarray(0, good.length - 5), code: 'ERR_DECODE_LENGTH' },
      { key: 'cut-header', value: good.subarray(0, 20), code: 'ERR_DECODE_TRUNCATED' },
      { key: 'empty', value: Buffer.alloc(0), code: 'ERR_DECODE_TRUNCATED' },
      { key: 'version', value: futureVersion, code: 'ERR_DECODE_VERSION' },
    ];
    const p = await producer();
    cleanup.push(() => p.disconnect());
    await p.send({
      topic: names.taps,
      messages: [
        ...bad.map(({ key, value }) => ({ key, value, headers: { origin: 'test' } })),
        { key: 'tombstone', value: null },
        { key: 'aa11', value: good },
        { key: 'aa11', value: encodedHalf('aa11', 'shadow', { ok: true }) },
      ],
    });
    await waitFor('the good pair judged', () => watcher.seen.has('aa11'));
    await waitFor('six DLQ copies', () => w.worker.counters.dlq === 6);
    await w.stop();

    const dlq = await readToEnd(kafkaBrokers(), names.dlq);
    expect(dlq).toHaveLength(6);
    const byKey = new Map(dlq.map((m) => [m.key, m]));
    for (const b of bad) {
      const m = byKey.get(b.key)!;
      expect(m.headers[DLQ_HEADERS.code]).toBe(b.code);
      expect(m.headers[DLQ_HEADERS.reason]!.length).toBeGreaterThan(10);
      expect(m.headers[DLQ_HEADERS.sourceTopic]).toBe(names.taps);
      expect(m.headers[DLQ_HEADERS.sourcePartition]).toMatch(/^\d$/);
      expect(m.headers[DLQ_HEADERS.sourceOffset]).toMatch(/^\d+$/);
      expect(m.headers.origin).toBe('test');
      // The original bytes are kept for inspection and replay.
      expect(Buffer.compare(m.value ?? Buffer.alloc(0), b.value)).toBe(0);
    }
    expect(byKey.get('tombstone')!.headers[DLQ_HEADERS.code]).toBe('ERR_DECODE_TRUNCATED');
    const verdicts = await allVerdicts(names.verdicts);
    expect(verdicts.map((v) => `${v.traceId} ${v.outcome}`)).toEqual(['aa11 match']);
    const m = await w.metrics();
    expect(total(m.get('shadow.dlq'))).toBe(6);
    expect(
      total(m.get('shadow.dlq'), (a) => a.code === 'ERR_DECODE_MAGIC' && a.env === 'shadow'),
    ).toBe(1);
  });
});
