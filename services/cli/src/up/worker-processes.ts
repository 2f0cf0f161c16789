import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ShadowdiffError } from '@shadowdiff/contracts';
import { stringify } from 'yaml';

// The built CLI, whether this module runs from dist/ or (under vitest) from src/.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface WorkerProcess {
  index: number;
  child: ChildProcess;
}

/**
 * Starts `count` `shadowdiff worker` child processes, each with its own config file (its own
 * Prometheus port), and resolves once every one says it is consuming.
 */
export async function startWorkerProcesses(options: {
  count: number;
  configFor: (index: number) => Record<string, unknown>;
  dir: string;
  log: (line: string) => void;
  timeoutMs?: number;
}): Promise<{ workers: WorkerProcess[]; stop(): Promise<void> }> {
  const workers: WorkerProcess[] = [];
  const ready: Promise<void>[] = [];
  for (let index = 0; index < options.count; index++) {
    const file = `${options.dir}/worker-${index}.yaml`;
    writeFileSync(file, stringify(options.configFor(index)));
    const child = spawn(process.execPath, [MAIN, 'worker', '--config', file], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, KAFKA_BROKERS: '', REDIS_URL: '' },
    });
    workers.push({ index, child });
    ready.push(
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new ShadowdiffError(
                'ERR_TRANSPORT',
                `worker ${index} did not start consuming within ${(options.timeoutMs ?? 60_000) / 1000}s`,
              ),
            ),
          options.timeoutMs ?? 60_000,
        );
        let buffered = '';
        const tail: string[] = [];
        child.stderr?.setEncoding('utf8');
        child.stderr?.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            options.log(`[worker ${index}] ${line.replace(/^shadowdiff worker: /, '')}`);
            tail.push(line);
            if (tail.length > 5) tail.shift();
            if (line.includes('consuming ')) {
              clearTimeout(timer);
              resolve();
            }
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(
            new ShadowdiffError(
              'ERR_TRANSPORT',
              `worker ${index} exited with code ${code} before consuming: ${[...tail, buffered].join(' | ').trim()}`,
            ),
          );
        });
      }),
    );
  }
  const stop = async () => {
    await Promise.all(
      workers.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    await Promise.all(ready);
  } catch (error) {
    await stop();
    throw error;
  }
  return { workers, stop };
}
