import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allVerdicts,
  e2eNames,
  freePort,
  groupMembers,
  watchVerdicts,
  workerConfig,
} from './helpers/fleet.js';
import { countVerdicts, faultLine, mirrorTapLoad } from './helpers/tap-load.js';
import { spawnWorker, writeConfig } from './helpers/worker-process.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A redis-server of this test's own (never the shared 6379), no persistence: a restart is empty. */
async function ownRedis(port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
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

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('worker fleet: Redis killed (no save) and restarted under mirror-tap load', () => {
  it('gives every trace exactly one, correct verdict and the clients no error', async () => {
    const port = await freePort();
    let redis = await ownRedis(port);
    cleanup.push(() => kill(redis));
    const names = await e2eNames();
    const config = workerConfig(names, { windowMs: 15_000 });
    (config.redis as { url: string }).url = `redis://127.0.0.1:${port}`;
    const configPath = writeConfig(config);
    const workers = [spawnWorker(configPath), spawnWorker(configPath)];
    cleanup.push(() => Promise.all(workers.map((w) => w.stop())));
    await Promise.all(workers.map((w) => w.ready));
    await groupMembers(names.group, 2);
    const watcher = await watchVerdicts(names.verdicts);
    cleanup.push(() => watcher.stop());
    const load = await mirrorTapLoad(names);
    cleanup.push(() => load.close());

    load.start();
    await waitFor('verdicts flowing before the restart', () => watcher.seen.size >= 1_500, 60_000);
    await kill(redis);
    const killedAt = watcher.seen.size;
    const sentAtKill = load.sent.size;
    await sleep(3_000);
    redis = await ownRedis(port);
    await sleep(15_000);
    await load.stop();
    const sent = load.sent.size;
    // Proof the outage was mid-load: traces before it, and plenty during and after it.
    expect(killedAt).toBeGreaterThan(0);
    expect(sent - sentAtKill).toBeGreaterThan(500);

    await waitFor('a verdict for every trace', () => watcher.seen.size >= sent, 90_000).catch(
      () => {},
    );
    const counts = countVerdicts(load.sent, await allVerdicts(names.verdicts));
    console.log(faultLine('Redis restart', sent, counts, load.clientErrors.length));
    const detail =
      `restarted at ${killedAt} verdicts\nlost ${counts.lost.slice(0, 5).join(' ')}\n` +
      `dup ${counts.duplicated.slice(0, 5).join(' ')}\nwrong ${counts.wrong.slice(0, 5).join('; ')}\n` +
      `worker stderr:\n${workers[0]!.stderr().slice(-4000)}`;
    expect(counts.lost.length, detail).toBe(0);
    expect(counts.duplicated.length, detail).toBe(0);
    expect(counts.wrong.length, detail).toBe(0);
    expect(load.clientErrors.slice(0, 10)).toEqual([]);
    for (const w of workers) expect(await w.stop()).toBe(0);
  }, 300_000);
});
