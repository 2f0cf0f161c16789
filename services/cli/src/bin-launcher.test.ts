import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../bin/shadowdiff.js', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));

// Each test starts a Node process that loads the whole CLI: seconds on a loaded 2-core machine.
describe('the shadowdiff bin (npx shadowdiff in a checkout)', () => {
  it('is the root package bin, so npx finds it without a global install', async () => {
    const { default: pkg } = (await import('../../../package.json', {
      with: { type: 'json' },
    })) as {
      default: { bin?: Record<string, string> };
    };
    expect(pkg.bin?.shadowdiff).toBe('services/cli/bin/shadowdiff.js');
    expect(existsSync(`${root}${pkg.bin?.shadowdiff ?? ''}`)).toBe(true);
  });

  it('runs the built CLI: --help lists the verbs and exits 0', () => {
    // npm test builds before vitest runs, so dist/ exists here; the launcher's build-once branch
    // is for a checkout that was never built.
    const run = spawnSync(process.execPath, [launcher, '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: shadowdiff <command>');
    for (const verb of ['demo', 'tap', 'worker', 'report', 'gate'])
      expect(run.stdout).toContain(verb);
  }, 30_000);

  it('passes the exit code through: an unknown verb is a usage error', () => {
    const run = spawnSync(process.execPath, [launcher, 'no-such-verb'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no-such-verb');
  }, 30_000);
});
