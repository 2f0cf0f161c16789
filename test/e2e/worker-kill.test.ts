import { waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allVerdicts,
  dropKeys,
  e2eNames,
  groupMembers,
  watchVerdicts,
  workerConfig,
} from './helpers/fleet.js';
import { countVerdicts, faultLine, mirrorTapLoad } from './helpers/tap-load.js';
import { spawnWorker, writeConfig } from './helpers/worker-process.js';
import type { WorkerProcess } from './helpers/worker-process.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker fleet: kill -9 one member under mirror-tap load, then restart it', () => {
  it('gives every trace exactly one, correct verdict and the clients no error', async () => {
    const names = await e2eNames();
    cleanup.push(() => dropKeys(names.prefix));
    // A window longer than the takeover (session timeout + rebalance): a pair split across the
    // dead member's batches is paired by the survivor, not orphaned. (An orphan sweep the dead
    // member had leased would only come back after the swept scheduler's 30 s lease.)
    const configPath = writeConfig(workerConfig(names, { windowMs: 15_000 }));
    // The broker's floor (6 s) is how long the dead member keeps its partitions.
    const spawn = () => spawnWorker(configPath, ['--session-timeout-ms', '6000']);
    const workers: WorkerProcess[] = [spawn(), spawn()];
    cleanup.push(() => Promise.all(workers.map((w) => w.stop())));
    await Promise.all(workers.map((w) => w.ready));
    await groupMembers(names.group, 2);
    const watcher = await watchVerdicts(names.verdicts);
    cleanup.push(() => watcher.stop());
    const load = await mirrorTapLoad(names);
    cleanup.push(() => load.close());

    load.start();
    await waitFor('verdicts flowing before the kill', () => watcher.seen.size >= 1_500, 60_000);
    const victim = workers[0]!;
    victim.child.kill('SIGKILL');
    const killedAt = watcher.seen.size;
    const sentAtKill = load.sent.size;
    expect(await victim.exited).toBe('SIGKILL');
    // Load goes on while the survivor takes over the dead member's partitions.
    await sleep(8_000);
    const restarted = spawn();
    workers.push(restarted);
    await restarted.ready;
    await groupMembers(names.group, 2, 60_000);
    await sleep(5_000);
    await load.stop();
    const sent = load.sent.size;
    // Proof the kill was mid-load: verdicts had started and many were still to come.
    expect(killedAt).toBeGreaterThan(0);
    expect(sent - sentAtKill).toBeGreaterThan(500);

    await waitFor('a verdict for every trace', () => watcher.seen.size >= sent, 90_000).catch(
      () => {},
    );
    const counts = countVerdicts(load.sent, await allVerdicts(names.verdicts));
    console.log(faultLine('kill -9 worker', sent, counts, load.clientErrors.length));
    const detail =
      `killed at ${killedAt} verdicts\nlost ${counts.lost.slice(0, 5).join(' ')}\n` +
      `dup ${counts.duplicated.slice(0, 5).join(' ')}\nwrong ${counts.wrong.slice(0, 5).join('; ')}\n` +
      `survivor stderr:\n${workers[1]!.stderr().slice(-6000)}`;
    expect(counts.lost.length, detail).toBe(0);
    expect(counts.duplicated.length, detail).toBe(0);
    expect(counts.wrong.length, detail).toBe(0);
    expect(load.clientErrors.slice(0, 10)).toEqual([]);
    for (const w of workers.slice(1)) expect(await w.stop()).toBe(0);
  }, 300_000);
});
