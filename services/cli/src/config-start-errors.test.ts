import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../bin/shadowdiff.js', import.meta.url));

/** Starts the built CLI (`npm test` builds first) with `yaml` as its config file. */
function start(verb: string, yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'shadowdiff-config-'));
  const file = join(dir, 'shadowdiff.yaml');
  writeFileSync(file, yaml);
  return spawnSync(process.execPath, [launcher, verb, '--config', file], {
    encoding: 'utf8',
    timeout: 50_000,
  });
}

// Each start loads the whole CLI: seconds on a busy machine, so no 5 s default limit.
describe(
  'a bad pattern or pointer in the config stops the start, naming the key',
  { timeout: 60_000 },
  () => {
    it('a tap with a mistyped tap.redact.jsonPaths entry exits 2 instead of leaking the field', () => {
      const run = start(
        'tap',
        [
          'tap:',
          '  upstream: http://127.0.0.1:9',
          '  listen: 127.0.0.1:0',
          '  adminListen: 127.0.0.1:0',
          '  redact:',
          '    jsonPaths: ["/card/number", "$.user.password"]',
        ].join('\n'),
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        /tap\.redact\.jsonPaths\[1\]: "\$\.user\.password" is not a JSON pointer.*write "\/user\/password"/,
      );
    });

    it('a tap with a bad tap.mirror.exclude pattern exits 2', () => {
      const run = start(
        'tap',
        'tap:\n  primary: http://127.0.0.1:9\n  shadow: http://127.0.0.1:10\n  mode: mirror\n  mirror:\n    exclude: ["/admin**"]\n',
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        /tap\.mirror\.exclude\[0\]: "\/admin\*\*": "\*\*" must be a whole segment/,
      );
    });

    it('a worker with a bad rules.routes[].route exits 2', () => {
      const run = start('worker', 'rules:\n  routes:\n    - route: orders/{id}\n');
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/rules\.routes\[0\]\.route: "orders\/\{id\}" must be/);
    });
  },
);
