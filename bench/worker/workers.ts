import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WorkerChild {
  child: ChildProcess;
  /** Peak resident set size so far, MB (VmHWM). */
  peakRssMb(): number;
  /** CPU seconds (user + system) the process used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export function writeConfig(dir: string, name: string, config: unknown): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** Starts `node services/cli/dist/main.js worker`; resolves once it logs that it is consuming. */
export async function startWorker(
  repo: string,
  configPath: string,
  args: string[] = [],
): Promise<WorkerChild> {
  const child = spawn(
    process.execPath,
    [
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile per worker, written when it stops.
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
      join(repo, 'services/cli/dist/main.js'),
      'worker',
      '--config',
      configPath,
      ...args,
    ],
    {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      if (err.includes('shadowdiff worker: consuming')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`worker exited (${code}) before consuming:\n${err}`)),
    );
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let peak = 0;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // exited
    }
  };
  const timer = setInterval(sample, 250);
  return {
    child,
    peakRssMb: () => {
      sample();
      return peak;
    },
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    async stop() {
      sample();
      clearInterval(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** utime + stime of a process from /proc/<pid>/stat, seconds (clock ticks are 1/100 s on Linux). */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
