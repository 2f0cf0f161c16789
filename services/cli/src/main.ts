#!/usr/bin/env node
import { COMMANDS } from './commands.js';
import { runCli } from './run-cli.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort());
}

runCli(process.argv.slice(2), COMMANDS, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stopSignal: controller.signal,
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `shadowdiff: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    process.exitCode = 1;
  });
