import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { encodedJsonTapRecord as encodedHalf, waitFor } from '@shadowdiff/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allVerdicts,
  fleetConfig,
  fleetNames,
  notExactlyOnce,
  producer,
  startTestWorker,
  verdictWatcher,
} from './fleet.test-kit.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server (never the shared one on 6379): no persistence, so a restart is empty. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on('error', () => {});
  await waitFor(`redis-server on ${port}`, async () => {
    try {
      if (probe.status !== 'ready') await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    }
  });
  probe.disconnect();
  return child;
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('worker and a Redis restart', () => {
  it('keeps running through the outage and judges every trace once Redis is back', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    cleanup.push(() => stopProcess(redis, 'SIGKILL'));
    const names = await fleetNames();
    const w = await startTestWorker(
      fleetConfig(names, { windowMs: 1_000, redisUrl: `redis://127.0.0.1:${port}` }),
    );
    cleanup.push(() => w.stop());
    const watcher = await verdictWatcher(names.verdicts);
    cleanup.push(() => watcher.stop());
    const p = await producer();
    cleanup.push(() => p.disconnect());
    const pairs = (ids: string[]) =>
      ids.flatMap((id, i) => [
        { key: id, value: encodedHalf(id, 'primary', { i }) },
        { key: id, value: encodedHalf(id, 'shadow', { i }) },
      ]);
    const batch = (n: number) => Array.from({ length: n }, () => randomBytes(16).toString('hex'));

    const before = batch(100);
    await p.send({ topic: names.taps, messages: pairs(before) });
    await waitFor('verdicts before the outage', () => before.every((id) => watcher.seen.has(id)));

    await stopProcess(redis, 'SIGKILL');
    const during = batch(100);
    await p.send({ topic: names.taps, messages: pairs(during) });
    await waitFor('the outage felt by the worker', () => w.logs.some((l) => /redis|Redis/.test(l)));

    redis = await startRedis(port);
    const after = batch(100);
    // Orphans too: the orphan scheduler has to be working again on the fresh (empty) Redis.
    const lonely = batch(20);
    await p.send({
      topic: names.taps,
      messages: [
        ...pairs(after),
        ...lonely.map((id) => ({ key: id, value: encodedHalf(id, 'primary', {}) })),
      ],
    });
    const all = [...before, ...during, ...after, ...lonely];
    await waitFor(
      'a verdict for every trace',
      () => all.every((id) => watcher.seen.has(id)),
      45_000,
    );
    await w.stop();

    const verdicts = await allVerdicts(names.verdicts);
    expect(notExactlyOnce(verdicts, all)).toEqual(new Map());
    const orphans = verdicts.filter((v) => v.outcome === 'orphan').map((v) => v.traceId);
    expect(orphans.sort()).toEqual([...lonely].sort());
  });
});
