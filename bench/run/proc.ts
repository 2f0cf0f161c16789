/** Child processes of the `run` benchmark, and their CPU time and memory from /proc. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

export const VERBOSE = process.env.BENCH_VERBOSE === '1';

export interface Child {
  process: ChildProcess;
  pid: number;
  /** First stdout line (ports or a URL). */
  first: string;
  stdout: string[];
  stop(): Promise<void>;
}

/** Starts `node args…` and waits for its first stdout line. */
export async function start(
  args: string[],
  label: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Child> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', VERBOSE ? 'inherit' : 'ignore'],
    env,
  });
  const stdout: string[] = [];
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${label} exited (${String(code)}) early`)));
    lines.on('line', (line) => {
      if (stdout.length === 0) resolve(line);
      stdout.push(line);
    });
  });
  return {
    process: child,
    pid: child.pid as number,
    first,
    stdout,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all its threads, the Kafka publisher's too), µs. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS;
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Waits until a process has been idle (under 3 ms CPU per 250 ms) twice in a row. */
export async function settle(pid: number): Promise<void> {
  let quiet = 0;
  let last = cpuMicros(pid);
  for (let i = 0; i < 240 && quiet < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = cpuMicros(pid);
    quiet = now - last < 3_000 ? quiet + 1 : 0;
    last = now;
  }
}
