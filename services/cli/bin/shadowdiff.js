#!/usr/bin/env node
// `npx shadowdiff …` in a checkout, right after `npm ci`: runs the built CLI (services/cli/dist),
// building the workspace first when it has never been built. The build's output goes to stderr so
// a command's own output (a report, verdict lines) stays clean on stdout. A dist/ older than the
// sources is not rebuilt here: `npm run build` does that.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

if (!existsSync(main)) {
  process.stderr.write(
    'shadowdiff: first run in this checkout: building it once (npm run build, about a minute) ...\n',
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const built = spawnSync(npm, ['run', 'build'], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (built.status !== 0 || !existsSync(main)) {
    process.stderr.write(
      `shadowdiff: the build failed (exit ${built.status ?? built.signal}); run \`npm run build\` in ${root} and read its errors\n`,
    );
    process.exit(2);
  }
}
await import(pathToFileURL(main).href);
