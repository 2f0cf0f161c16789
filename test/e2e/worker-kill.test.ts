import { randomBytes } from 'node:crypto';
import { waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dropKeys,
  e2eNames,
  groupMembers,
  kafka,
  pairMessages,
  placedVerdicts,
  watchVerdicts,
  workerConfig,
} from './helpers/fleet.js';
import { spawnWorker, writeConfig } from './helpers/worker-process.js';
import type { WorkerProcess } from './helpers/worker-process.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('worker fleet: kill -9 one member mid-stream', () => {
  it('still gives every trace exactly one verdict', async () => {
    const names = await e2eNames();
    cleanup.push(() => dropKeys(names.prefix));
    // A window longer than the takeover (session timeout + rebalance): a pair split across the
    // dead member's batches is paired by the survivor, not orphaned. (An orphan sweep the dead
    // member had leased would only come back after the swept scheduler's 30 s lease.)
    const configPath = writeConfig(workerConfig(names, { windowMs: 15_000 }));
    // The broker's floor (6 s) is how long the dead member keeps its partitions.
    const workers: WorkerProcess[] = [0, 1].map(() =>
      spawnWorker(configPath, ['--session-timeout-ms', '6000']),
    );
    for (const w of workers) cleanup.push(() => w.stop());
    await Promise.all(workers.map((w) => w.ready));
    await groupMembers(names.group, 2);
    const watcher = await watchVerdicts(names.verdicts);
    cleanup.push(() => watcher.stop());

    const producer = kafka().producer();
    await producer.connect();
    cleanup.push(() => producer.disconnect());
    const ids = Array.from({ length: 3000 }, () => randomBytes(16).toString('hex'));
    const victim = workers[0]!;
    let killedAt = -1;
    // A steady stream: 100 traces every 50 ms; the kill lands while both workers are busy.
    for (let sent = 0; sent < ids.length; sent += 100) {
      await producer.send({
        topic: names.taps,
        messages: ids.slice(sent, sent + 100).flatMap((id, j) => pairMessages(id, sent + j)),
      });
      if (killedAt < 0 && watcher.seen.size >= 600) {
        victim.child.kill('SIGKILL');
        killedAt = watcher.seen.size;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (killedAt < 0) {
      victim.child.kill('SIGKILL');
      killedAt = watcher.seen.size;
    }
    expect(await victim.exited).toBe('SIGKILL');
    // Proof the kill was mid-stream: verdicts had started and many were still to come.
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(ids.length);

    await waitFor('a verdict for every trace', () => watcher.seen.size >= ids.length, 45_000);
    expect(await workers[1]!.stop()).toBe(0);

    const placed = await placedVerdicts(names.verdicts);
    const verdicts = placed.map((p) => p.verdict);
    const byTrace = new Map<string, string[]>();
    for (const p of placed) {
      const where = `${p.verdict.outcome}@${p.partition}:${p.offset} t=${p.verdict.decidedAt}`;
      byTrace.set(p.verdict.traceId, [...(byTrace.get(p.verdict.traceId) ?? []), where]);
    }
    const wrong = ids.filter((id) => byTrace.get(id)?.length !== 1);
    const report = wrong
      .slice(0, 10)
      .map((id) => `${id}: ${(byTrace.get(id) ?? ['none']).join(', ')}`)
      .join('\n');
    expect(
      wrong,
      `traces without exactly one verdict: ${wrong.length} (killed at ${killedAt})\n${report}\n` +
        `victim stderr:\n${workers[0]!.stderr().slice(-6000)}\nsurvivor stderr:\n${workers[1]!.stderr().slice(-12000)}`,
    ).toEqual([]);
    expect(verdicts).toHaveLength(ids.length);
  });
});
