import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
export const CLI = join(repo, 'services/cli/dist/main.js');

/** Child processes run the built CLI: fail with the fix, not with a confusing spawn error. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run \`npm run build\` before the end-to-end tests`);
  }
}

/** Writes a config file (JSON is valid YAML) in a fresh temp dir and returns its path. */
export function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'shadowdiff-e2e-'));
  const path = join(dir, 'shadowdiff.yaml');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the worker wrote to stderr so far. */
  stderr(): string;
  /** Resolves once the worker logged that it is consuming. */
  ready: Promise<void>;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<number | string>;
}

/** `node services/cli/dist/main.js worker --config <path> ...args` as a child process. */
export function spawnWorker(configPath: string, args: string[] = []): WorkerProcess {
  requireBuiltCli();
  const child = spawn(process.execPath, [CLI, 'worker', '--config', configPath, ...args], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env },
  });
  let err = '';
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('shadowdiff worker: consuming')) resolve();
    });
    void exited.then((code) =>
      reject(new Error(`worker exited (${String(code)}) before consuming:\n${err}`)),
    );
  });
  ready.catch(() => {});
  return {
    child,
    stderr: () => err,
    ready,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
