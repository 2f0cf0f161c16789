/**
 * `shadowdiff run` benchmark (issue 15). On loopback, the same load through two processes in the
 * same run, alternating: the mirror tap alone (records dropped: no judging, no Kafka client) and
 * `shadowdiff run` (the same tap + in-process worker, noise learning, console, metrics). Prints
 * CPU per request of each and the ratio run / tap (target ≤ 1.3x: judging in-process adds at most
 * 30%), then the RSS of a `run` process after 100k requests over 50 routes. Not a timed test.
 *
 * Run: `npm run bench:run`. Env: BENCH_REQUESTS (20000 per measured round), BENCH_ROUNDS (2),
 * BENCH_CONNECTIONS (16), BENCH_RSS_REQUESTS (100000), BENCH_VERBOSE=1 (children's stderr).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ROUTES } from './services.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const RSS_REQUESTS = Number(process.env.BENCH_RSS_REQUESTS ?? 100_000);
const VERBOSE = process.env.BENCH_VERBOSE === '1';
const TARGET = 1.3;
const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(process.cwd(), 'services/cli/dist/main.js');
const log = (line: string): void => void process.stderr.write(`bench:run: ${line}\n`);

interface Child {
  process: ChildProcess;
  pid: number;
  first: string;
  stdout: string[];
  stop(): Promise<void>;
}

async function start(args: string[], label: string): Promise<Child> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', VERBOSE ? 'inherit' : 'ignore'],
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

async function freePort(): Promise<number> {
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

/** utime + stime of a process (all its threads), µs. */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Drives `total` GETs over the 50 routes through `baseUrl` on CONNECTIONS keep-alive sockets. */
async function drive(baseUrl: string, total: number, offset = 0): Promise<number> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = 0;
  let failed = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const n = offset + i;
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: `/api/${ROUTES[n % ROUTES.length]}/${Math.floor(n / ROUTES.length) % 1000}`,
          agent,
        },
        (res) => {
          if (res.statusCode !== 200) failed++;
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end();
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < total) await one(next++);
    }),
  );
  agent.destroy();
  return failed;
}

/** Waits until a process has been idle (under 3 ms CPU per 250 ms) twice in a row. */
async function settle(pid: number): Promise<void> {
  let quiet = 0;
  let last = cpuMicros(pid);
  for (let i = 0; i < 240 && quiet < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = cpuMicros(pid);
    quiet = now - last < 3_000 ? quiet + 1 : 0;
    last = now;
  }
}

async function startHop(kind: 'tap' | 'run', primary: string, shadow: string): Promise<Child> {
  const metrics = String(await freePort());
  return kind === 'tap'
    ? start([join(here, 'tap-only.js'), primary, shadow, metrics], 'tap')
    : start(
        [
          CLI,
          'run',
          '--primary',
          primary,
          '--shadow',
          shadow,
          '--listen',
          '127.0.0.1:0',
          '--console-listen',
          '127.0.0.1:0',
          '--metrics-port',
          metrics,
        ],
        'shadowdiff run',
      );
}

/** CPU µs per request of one hop under REQUESTS requests (after a warm-up), idle both ends. */
async function measure(kind: 'tap' | 'run', primary: string, shadow: string): Promise<number> {
  const hop = await startHop(kind, primary, shadow);
  try {
    await drive(hop.first, 2_000);
    await settle(hop.pid);
    const before = cpuMicros(hop.pid);
    const failed = await drive(hop.first, REQUESTS, 2_000);
    await settle(hop.pid);
    const perRequest = (cpuMicros(hop.pid) - before) / REQUESTS;
    if (failed > 0) log(`${kind}: ${failed} requests failed`);
    return perRequest;
  } finally {
    await hop.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const services = await start([join(here, 'services.js')], 'services');
  try {
    const [p, s] = services.first.split(' ');
    const primary = `http://127.0.0.1:${p}`;
    const shadow = `http://127.0.0.1:${s}`;
    const cpu: Record<'tap' | 'run', number[]> = { tap: [], run: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order: ('tap' | 'run')[] = round % 2 === 0 ? ['tap', 'run'] : ['run', 'tap'];
      for (const kind of order) {
        const us = await measure(kind, primary, shadow);
        cpu[kind].push(us);
        log(`round ${round + 1}: ${kind} ${us.toFixed(1)} µs CPU per request`);
      }
    }
    const tap = median(cpu.tap);
    const run = median(cpu.run);
    const ratio = run / tap;

    log(`RSS: ${RSS_REQUESTS} requests over ${ROUTES.length} routes through one run process`);
    const hop = await startHop('run', primary, shadow);
    const rss: { after: number; mib: number }[] = [{ after: 0, mib: rssMiB(hop.pid) }];
    let sent = 0;
    for (const step of [RSS_REQUESTS / 10, RSS_REQUESTS / 2, RSS_REQUESTS]) {
      await drive(hop.first, step - sent, sent);
      sent = step;
      await settle(hop.pid);
      rss.push({ after: sent, mib: rssMiB(hop.pid) });
      log(`  after ${sent}: RSS ${rssMiB(hop.pid).toFixed(0)} MiB`);
    }
    await hop.stop();
    const table = hop.stdout.filter((l) => /^\s+GET \/api\//.test(l));

    process.stdout.write(
      [
        '',
        `shadowdiff run vs the mirror tap alone (same load: ${REQUESTS} GETs over ${ROUTES.length} routes, ${CONNECTIONS} connections, ${ROUNDS} rounds, median)`,
        '',
        `  mirror tap alone        ${tap.toFixed(1).padStart(7)} µs CPU / request`,
        `  shadowdiff run          ${run.toFixed(1).padStart(7)} µs CPU / request`,
        `  ratio run / tap         ${ratio.toFixed(2).padStart(7)}x   target ≤ ${TARGET}x: ${ratio <= TARGET ? 'met' : 'NOT met'}`,
        '',
        `  RSS of run: ${rss.map((r) => `${r.mib.toFixed(0)} MiB after ${r.after}`).join(', ')}`,
        `  routes in its drift table at exit: ${table.length}`,
        '',
      ].join('\n'),
    );
  } finally {
    await services.stop();
  }
}

await main();
