import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface FollowUp {
  /** A config file naming this run's service, Redis and key prefix (kept after `up` exits). */
  configFile: string;
  /** Ready-to-run commands over this run's keys: report, gate, console, noise. */
  commands: string[];
  /** The text `up` prints after its summary. */
  lines: string[];
}

export interface FollowUpRun {
  runId: string;
  service: string;
  redisUrl: string;
  keyPrefix: string;
  /** `up` started that Redis itself, and stops it (with the run's data) when it exits. */
  startedRedis: boolean;
}

/**
 * What to run after `up` to read its run again: `report`, `gate`, `console` and `noise` read
 * `redis.url`, `redis.keyPrefix` and `service` from the config, and an `up` run writes under its
 * own prefix and the demo's service, which no default config names. Writes a small config file
 * with those three keys (in `dir`, default the OS temp dir) and returns the commands that use it.
 */
export function writeFollowUp(run: FollowUpRun, dir = tmpdir()): FollowUp {
  const configFile = join(dir, `shadowdiff-up-${run.runId}.yaml`);
  writeFileSync(
    configFile,
    `# shadowdiff up run ${run.runId}: the keys report, gate, console and noise need to read it.\n` +
      stringify({ service: run.service, redis: { url: run.redisUrl, keyPrefix: run.keyPrefix } }),
  );
  const c = `--config ${configFile}`;
  const commands = [
    `npx shadowdiff report ${c} --from 1h --out evidence.md`,
    `npx shadowdiff gate ${c} --max-diff-rate 0.5% --min-pairs 100 --window 1h`,
    `npx shadowdiff console ${c} --listen 127.0.0.1:8089`,
    `npx shadowdiff noise list ${c}`,
  ];
  const lines = [
    `This run's data: service ${run.service}, Redis ${run.redisUrl}, keys under ${run.keyPrefix} — read it again with:`,
    ...commands.map((command) => `  ${command}`),
    run.startedRedis
      ? '(up started that Redis and stops it when it exits, taking the data along: run them while up runs)'
      : '(the data stays in that Redis after up exits; statistics are kept 30 days)',
  ];
  return { configFile, commands, lines };
}
