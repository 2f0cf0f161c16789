import { Writable } from 'node:stream';
import { parseConfig, validateConfig } from '@shadowdiff/contracts';
import type { CommandIo } from '@shadowdiff/contracts';
import { KmvSketch, hash32 } from '@shadowdiff/engine';
import type { NoiseEntryDelta, NoiseListing } from '@shadowdiff/engine';
import { MemoryNoiseStore } from '@shadowdiff/memory';
import { beforeEach, describe, expect, it } from 'vitest';
import { createNoiseCommand } from './noise-command.js';

const ROUTE = 'GET /orders/{id}';

function io() {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _enc, done) {
        out[key] += String(chunk);
        done();
      },
    });
  const commandIo: CommandIo = {
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    env: {},
    stopSignal: new AbortController().signal,
    meter: () => {
      throw new Error('noise emits no metrics');
    },
    shutdownTelemetry: () => Promise.resolve(),
  };
  return { out, io: commandIo };
}

function entry(path: string, over: Partial<NoiseEntryDelta> = {}): NoiseEntryDelta {
  const sketch = new KmvSketch();
  for (let i = 0; i < 60; i++) sketch.add(hash32(`${path}-${i}`));
  return {
    kind: 'body',
    aspect: 'value',
    path,
    firstAt: 0,
    changes: 60,
    other: 0,
    classes: { token: 60 },
    hashes: sketch.hashes(),
    rises: 0,
    steps: 0,
    sortedPrimary: 0,
    sortedShadow: 0,
    ...over,
  };
}

describe('shadowdiff noise', () => {
  let store: MemoryNoiseStore;
  const config = validateConfig({ service: 'orders' });
  const command = createNoiseCommand(() => ({ store, close: () => Promise.resolve() }));
  const run = async (...args: string[]) => {
    const [sub, ...rest] = args;
    const values: Record<string, string | boolean> = {};
    const positionals = [sub as string];
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i] as string;
      if (!a.startsWith('--')) positionals.push(a);
      else if (['--json', '--all', '--header', '--order'].includes(a)) values[a.slice(2)] = true;
      else values[a.slice(2)] = rest[++i] as string;
    }
    const h = io();
    const code = await command.run(config, values, positionals, h.io);
    return { code, ...h.out };
  };

  beforeEach(async () => {
    store = new MemoryNoiseStore();
    await store.record({
      service: 'orders',
      routes: [
        {
          route: ROUTE,
          pairs: 60,
          entries: [
            entry('/requestToken'),
            entry('/total', { classes: { number: 60 } }),
            entry('/tags', { aspect: 'order', classes: {}, hashes: [], changes: 40 }),
          ],
        },
      ],
    });
  });

  it('lists learned entries with their evidence, as a table or JSON', async () => {
    const table = await run('list');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /learned\s+orders\s+GET \/orders\/\{id\}\s+\/requestToken\s+random-token\s+60\s+100%\s+60/,
    );
    expect(table.stdout).toContain('/tags (order)');
    expect(table.stdout).not.toContain('/total');
    const all = await run('list', '--all', '--json');
    const entries = JSON.parse(all.stdout) as NoiseListing[];
    expect(entries.map((e) => [e.path, e.status])).toEqual([
      ['/requestToken', 'learned'],
      ['/tags', 'learned'],
      ['/total', 'observing'],
    ]);
    expect(entries[2]!.reason).toContain('values are number, not a volatile kind');
  });

  it('confirms, rejects and clears by id or by route and path; rejections stick', async () => {
    const listed = JSON.parse((await run('list', '--json')).stdout) as NoiseListing[];
    const token = listed.find((e) => e.path === '/requestToken')!;
    const rejected = await run('reject', token.id.slice(0, 6), '--note', 'carries the tenant');
    expect(rejected).toMatchObject({ code: 0 });
    expect(rejected.stdout).toContain('rejected orders GET /orders/{id} /requestToken');
    const confirmed = await run('confirm', ROUTE, '/total');
    expect(confirmed.code).toBe(0);
    const ahead = await run('confirm', ROUTE, 'x-served-by', '--header');
    expect(ahead.code).toBe(0);
    const after = JSON.parse((await run('list', '--json')).stdout) as NoiseListing[];
    expect(after.map((e) => [e.kind, e.path, e.status])).toEqual([
      ['body', '/total', 'confirmed'],
      ['header', 'x-served-by', 'confirmed'],
      ['body', '/tags', 'learned'],
      ['body', '/requestToken', 'rejected'],
    ]);
    expect(after[3]!.decision).toMatchObject({ decision: 'rejected', note: 'carries the tenant' });
    const cleared = await run('clear', token.id);
    expect(cleared.stdout).toContain('cleared the decision');
    expect((await run('clear', token.id)).stdout).toContain('no decision');
  });

  it('refuses unknown ids and bad usage', async () => {
    expect((await run('confirm', 'ffffffffff')).code).toBe(1);
    await expect(run('confirm')).rejects.toThrow(/takes an entry id/);
    await expect(run('frobnicate')).rejects.toThrow(/unknown noise subcommand/);
  });

  it('exports learned and confirmed entries as config rules', async () => {
    await run('reject', ROUTE, '/requestToken');
    await run('confirm', ROUTE, '/build', '--note', 'build id differs by design');
    const exported = await run('export');
    expect(exported.code).toBe(0);
    const rules = parseConfig(exported.stdout).rules.routes;
    expect(rules).toEqual([
      expect.objectContaining({ route: ROUTE, ignore: ['/build'], arrays: { '/tags': 'set' } }),
    ]);
  });
});
