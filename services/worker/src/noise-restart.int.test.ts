import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { noiseConfigSchema } from '@shadowdiff/contracts';
import type { CommandIo, ShadowdiffConfig, Verdict } from '@shadowdiff/contracts';
import type { NoiseListing } from '@shadowdiff/engine';
import { encodedJsonTapRecord as encodedHalf, waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allVerdicts,
  dropKeys,
  fleetConfig,
  fleetNames,
  groupMembers,
  producer,
  startTestWorker,
  verdictWatcher,
} from './fleet.test-kit.js';
import { noiseCommand } from './noise-command.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Runs `shadowdiff noise <args>` against the fleet's Redis; resolves to stdout. */
async function noise(config: ShadowdiffConfig, ...args: string[]): Promise<string> {
  let stdout = '';
  const sink = new Writable({
    write(chunk, _e, done) {
      stdout += String(chunk);
      done();
    },
  });
  const io: CommandIo = {
    stdout: sink,
    stderr: sink,
    env: {},
    stopSignal: new AbortController().signal,
    meter: () => {
      throw new Error('unused');
    },
    shutdownTelemetry: () => Promise.resolve(),
  };
  const values = args.includes('--json') ? { json: true } : {};
  const code = await noiseCommand.run(
    config,
    values,
    args.filter((a) => a !== '--json'),
    io,
  );
  expect(code, stdout).toBe(0);
  return stdout;
}

const token = () => randomBytes(18).toString('base64url') + '3';

describe('noise decisions on real Kafka and Redis', () => {
  it('confirm and reject persist across a worker restart, and so does what was learned', async () => {
    const names = await fleetNames();
    cleanup.push(() => dropKeys(names.prefix));
    const config: ShadowdiffConfig = {
      ...fleetConfig(names),
      noise: noiseConfigSchema.parse({ minSamples: 20 }),
    };
    const p = await producer();
    cleanup.push(() => p.disconnect());
    const watcher = await verdictWatcher(names.verdicts);
    cleanup.push(() => watcher.stop());
    let n = 0;
    const send = async (count: number) => {
      const messages = [];
      for (let i = 0; i < count; i++) {
        const id = `t${n++}`;
        for (const role of ['primary', 'shadow'] as const) {
          messages.push({
            key: id,
            value: encodedHalf(
              id,
              role,
              {
                total: 10,
                requestToken: token(),
                nonce: token(),
                build: role === 'primary' ? 'a' : 'b',
              },
              { url: `/orders/${n}` },
            ),
          });
        }
      }
      await p.send({ topic: names.taps, messages });
    };

    const first = await startTestWorker(config);
    cleanup.push(() => first.stop());
    await groupMembers(names.group, 1);
    await send(30);
    await waitFor('30 verdicts', () => watcher.count() >= 30, 30_000);
    let listed: NoiseListing[] = [];
    await waitFor(
      'learned',
      async () => {
        listed = JSON.parse(await noise(config, 'list', '--json')) as NoiseListing[];
        return listed.filter((e) => e.status === 'learned').length === 2;
      },
      15_000,
    );
    expect(listed.map((e) => e.path).sort()).toEqual(['/nonce', '/requestToken']);
    const tokenEntry = listed.find((e) => e.path === '/requestToken')!;
    expect(await noise(config, 'reject', tokenEntry.id)).toContain('rejected');
    expect(await noise(config, 'confirm', 'GET /orders/{id}', '/build')).toContain('confirmed');
    await first.stop();

    // A new worker: new connections, nothing in memory — only what Redis holds.
    const second = await startTestWorker(config);
    cleanup.push(() => second.stop());
    await groupMembers(names.group, 1);
    await send(20);
    await waitFor('50 verdicts', () => watcher.count() >= 50, 30_000);
    const after = (await allVerdicts(names.verdicts)).filter(
      (v) => Number(v.traceId.slice(1)) >= 30,
    );
    expect(after).toHaveLength(20);
    for (const v of after as Verdict[]) {
      // Rejected: reported on every pair, from the very first one after the restart.
      expect(v.diffs.map((d) => d.path)).toEqual(['/requestToken']);
      // Confirmed, and learned before the restart: suppressed.
      expect([...v.suppressed].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        { kind: 'body', path: '/build', reason: 'learned' },
        { kind: 'body', path: '/nonce', reason: 'learned' },
      ]);
    }
    const final = JSON.parse(await noise(config, 'list', '--json')) as NoiseListing[];
    expect(final.map((e) => [e.path, e.status])).toEqual([
      ['/build', 'confirmed'],
      ['/nonce', 'learned'],
      ['/requestToken', 'rejected'],
    ]);
  });
});
