import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { DLQ_HEADERS } from '@shadowdiff/contracts';
import { waitFor } from '@shadowdiff/testkit';
import { CompressionTypes } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dropKeys,
  e2eNames,
  kafka,
  placedVerdicts,
  watchVerdicts,
  workerConfig,
} from './helpers/fleet.js';
import { HOSTILE_KINDS, badMessage, goodPair, prng } from './helpers/fuzz-messages.js';
import type { FuzzMessage } from './helpers/fuzz-messages.js';
import { spawnWorker, writeConfig } from './helpers/worker-process.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const BAD = 60_000;
const PAIRS = 20_000;
/** Pairs per hostile body kind, and of 200 000-key documents (seconds of CPU each). */
const PER_HOSTILE = 50;
const WIDE = 2;
const HUGE_HEADERS = 20;
const MIB = 1024 * 1024;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Every DLQ copy, by the fuzz id its original carried: the code and reason it got. */
async function watchDlq(topic: string) {
  const consumer = kafka().consumer({
    groupId: `e2e-dlq-${randomUUID()}`,
    maxBytesPerPartition: 8 * MIB,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const copies = new Map<string, string[]>();
  await consumer.run({
    eachMessage: ({ message }) => {
      const h = (name: string) => message.headers?.[name]?.toString() ?? '?';
      const id = h('fuzz-id');
      copies.set(id, [
        ...(copies.get(id) ?? []),
        `${h(DLQ_HEADERS.code)}: ${h(DLQ_HEADERS.reason)}`,
      ]);
      return Promise.resolve();
    },
  });
  return { copies, stop: () => consumer.disconnect() };
}

describe('fuzz: 100k hostile and good messages on the taps topic through a real worker', () => {
  it('never crashes the worker, DLQs every bad one with its reason, judges every good pair once, bounded RSS', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 32));
    const r = prng(seed);
    const names = await e2eNames();
    cleanup.push(() => dropKeys(names.prefix));
    const worker = spawnWorker(writeConfig(workerConfig(names, { windowMs: 30_000 })));
    cleanup.push(() => worker.stop());
    await worker.ready;
    const pid = worker.child.pid!;
    const rss = { start: rssMiB(pid), peak: 0, end: 0 };
    const sampler = setInterval(() => {
      if (worker.child.exitCode === null) rss.peak = Math.max(rss.peak, rssMiB(pid));
    }, 200);
    cleanup.push(async () => clearInterval(sampler));
    const verdicts = await watchVerdicts(names.verdicts);
    cleanup.push(() => verdicts.stop());
    const dlq = await watchDlq(names.dlq);
    cleanup.push(() => dlq.stop());
    const producer = kafka().producer();
    await producer.connect();
    cleanup.push(() => producer.disconnect());

    // The plan: which slot is a bad message or a good pair (and of which body kind), shuffled.
    const goodKinds = [
      ...HOSTILE_KINDS.flatMap((k) => Array<string>(PER_HOSTILE).fill(k)),
      ...Array<string>(WIDE).fill('wide-200k-keys'),
    ];
    goodKinds.push(...Array<string>(PAIRS - goodKinds.length).fill('json'));
    const plan: (string | number)[] = [...goodKinds, ...Array.from({ length: BAD }, (_, i) => i)];
    for (let i = plan.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [plan[i], plan[j]] = [plan[j]!, plan[i]!];
    }
    const hugeAt = new Set(Array.from({ length: HUGE_HEADERS }, () => Math.floor(r() * BAD)));

    const expectedCode = new Map<string, string>();
    const badByKind = new Map<string, number>();
    const good = new Map<string, string>();
    let sent = 0;
    let pending: FuzzMessage[] = [];
    let pendingBytes = 0;
    const send = async (messages: FuzzMessage[]) => {
      if (messages.length === 0) return;
      await producer.send({ topic: names.taps, compression: CompressionTypes.GZIP, messages });
      sent += messages.length;
    };
    const flush = async () => {
      await send(pending);
      pending = [];
      pendingBytes = 0;
    };
    let pairIndex = 0;
    const startedAt = Date.now();
    for (const slot of plan) {
      if (typeof slot === 'number') {
        const bad = badMessage(r, slot, hugeAt.has(slot));
        expectedCode.set(bad.headers['fuzz-id']!, bad.code);
        badByKind.set(bad.kind, (badByKind.get(bad.kind) ?? 0) + 1);
        const { key, value, headers } = bad;
        if (bad.large) await send([{ key, value, headers }]);
        else {
          pending.push({ key, value, headers });
          pendingBytes += value?.length ?? 0;
        }
      } else {
        const pair = goodPair(r, pairIndex++, slot);
        good.set(pair.traceId, slot);
        pending.push(...pair.messages);
        pendingBytes += pair.messages.reduce((s, m) => s + (m.value?.length ?? 0), 0);
      }
      if (pending.length >= 1_000 || pendingBytes > 256 * 1024) await flush();
    }
    await flush();
    const sentAt = Date.now();
    expect(sent).toBe(BAD + 2 * PAIRS);

    const done = () => dlq.copies.size >= BAD && verdicts.seen.size >= PAIRS;
    await waitFor('every bad one in the DLQ and every good pair judged', done, 780_000).catch(
      (error: unknown) => {
        throw new Error(
          `${String(error)}: ${dlq.copies.size}/${BAD} DLQ'd, ${verdicts.seen.size}/${PAIRS} judged\n` +
            worker.stderr().slice(-4000),
        );
      },
    );
    const doneAt = Date.now();
    clearInterval(sampler);
    rss.end = rssMiB(pid);
    const crashed = worker.child.exitCode !== null || worker.child.signalCode !== null;

    // Exactly once, with the code the decoder gives: no bad one missing, doubled or misread.
    const dlqByCode = new Map<string, number>();
    const wrongDlq: string[] = [];
    for (const [id, copies] of dlq.copies) {
      const code = copies[0]!.split(':')[0]!;
      dlqByCode.set(code, (dlqByCode.get(code) ?? 0) + 1);
      if (copies.length !== 1 || code !== expectedCode.get(id)) {
        wrongDlq.push(
          `${id} (expected ${expectedCode.get(id) ?? 'no DLQ'}): ${copies.join(' | ')}`,
        );
      }
    }
    const placed = await placedVerdicts(names.verdicts);
    const perTrace = new Map<string, number>();
    const outcomes = new Map<string, number>();
    for (const { verdict } of placed) {
      perTrace.set(verdict.traceId, (perTrace.get(verdict.traceId) ?? 0) + 1);
      const o = `${good.get(verdict.traceId) ?? 'unknown'}:${verdict.outcome}`;
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    }
    const notOnce = [...good.keys()].filter((id) => perTrace.get(id) !== 1);
    const stray = [...perTrace.keys()].filter((id) => !good.has(id));
    const fmt = (m: Map<string, number>) =>
      [...m]
        .sort()
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
    console.log(
      `fuzz seed ${seed}: sent ${sent} (${BAD} bad, ${PAIRS} good pairs)\n` +
        `  bad by kind: ${fmt(badByKind)}\n` +
        `  DLQ'd ${dlq.copies.size}/${BAD} by code: ${fmt(dlqByCode)}\n` +
        `  good judged exactly once ${PAIRS - notOnce.length}/${PAIRS}; by kind:outcome ${fmt(outcomes)}\n` +
        `  sending took ${((sentAt - startedAt) / 1000).toFixed(0)} s, all judged and DLQ'd after ${((doneAt - startedAt) / 1000).toFixed(0)} s\n` +
        `  worker crashes ${crashed ? 1 : 0}; RSS start ${rss.start.toFixed(0)} MiB, peak ${rss.peak.toFixed(0)} MiB, end ${rss.end.toFixed(0)} MiB`,
    );
    expect(crashed, worker.stderr().slice(-4000)).toBe(false);
    expect(wrongDlq.slice(0, 20)).toEqual([]);
    expect(dlq.copies.size).toBe(BAD);
    expect(notOnce.slice(0, 20)).toEqual([]);
    expect(stray).toEqual([]);
    expect([...outcomes.keys()].filter((o) => o.endsWith(':orphan'))).toEqual([]);
    expect(rss.peak).toBeLessThan(700);
    expect(await worker.stop()).toBe(0);
  }, 900_000);
});
