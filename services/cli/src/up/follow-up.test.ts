import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config-file.js';
import { writeFollowUp } from './follow-up.js';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("up's follow-up commands", () => {
  const run = {
    runId: 'ab12cd34',
    service: 'orders-demo',
    redisUrl: 'redis://127.0.0.1:6390',
    keyPrefix: 'shadowdiff:up:ab12cd34:',
    startedRedis: false,
  };

  it('writes a config file that points report, gate, console and noise at the run', () => {
    dir = mkdtempSync(`${tmpdir()}/sd-follow-up-`);
    const f = writeFollowUp(run, dir);
    const { config } = loadConfig(f.configFile, {}, {});
    expect(config.service).toBe('orders-demo');
    expect(config.redis).toEqual({ url: run.redisUrl, keyPrefix: run.keyPrefix });
    expect(f.commands.map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual([
      'npx shadowdiff report',
      'npx shadowdiff gate',
      'npx shadowdiff console',
      'npx shadowdiff noise',
    ]);
    for (const c of f.commands) expect(c).toContain(`--config ${f.configFile}`);
    expect(f.lines[0]).toContain(`keys under ${run.keyPrefix}`);
    expect(f.lines.at(-1)).toContain('stays in that Redis');
  });

  it('says when the data goes away with the Redis up started', () => {
    dir = mkdtempSync(`${tmpdir()}/sd-follow-up-`);
    const f = writeFollowUp({ ...run, startedRedis: true }, dir);
    expect(f.lines.at(-1)).toContain('run them while up runs');
  });
});
