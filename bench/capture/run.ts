/**
 * Capture benchmark (issue 17). A node:http service answering 1 KB JSON, measured bare and with
 * `@shadowdiff/capture` recording every request (Kafka publisher on its thread), mirroring every
 * request to a healthy shadow, and to a slow one; beside it the sidecar tap in front of the bare
 * service. At each one's maximum (closed loop) and at a fixed load of half the bare maximum (open
 * loop). Scenarios alternate within each round; ratios are per round against the bare service of
 * the same round, then the median (and the spread) over rounds. Not a timed test.
 *
 * Run: `npm run bench:capture`. Env: BENCH_ROUNDS (3), BENCH_DURATION_MS (1500), BENCH_FIXED_MS
 * (5000), BENCH_WARMUP_MS (400), BENCH_CONNECTIONS (32), BENCH_RATE (the fixed load), BENCH_SLOW_MS
 * (the slow shadow's delay, 50), KAFKA_BROKERS (127.0.0.1:19092), BENCH_CAPTURE_NODE_FLAGS.
 */
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from '../tap/load.js';
import { start, totalCpu } from '../tap/proc.js';
import type { Child } from '../tap/proc.js';
import type { TapProcessSpec } from '../tap/tap-process.js';
import type { ServiceSpec } from './service.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION_MS ?? 1_500);
const FIXED = Number(process.env.BENCH_FIXED_MS ?? 5_000);
const WARMUP = Number(process.env.BENCH_WARMUP_MS ?? 400);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 50);
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const FLAGS = (process.env.BENCH_CAPTURE_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const root = dirname(fileURLToPath(import.meta.url));
const js = (path: string): string => join(root, '..', path);
const log = (line: string): void => void process.stderr.write(`bench:capture: ${line}\n`);

const children: Child[] = [];
async function node(
  script: string,
  arg: string,
  label: string,
  flags: string[] = [],
): Promise<Child> {
  const c = await start(process.execPath, [...flags, js(script), arg], label);
  children.push(c);
  return c;
}

interface Scenario {
  name: string;
  url: string;
  /** The processes whose CPU is the cost of serving (service, plus the tap for the sidecar row). */
  pids: number[];
}

interface Run {
  result: LoadResult;
  cpuPerRequest: number;
}

async function measure(s: Scenario, rate: number | undefined, others: number[]): Promise<Run> {
  const spec: LoadSpec = {
    url: `${s.url}/orders/42`,
    connections: rate === undefined ? CONNECTIONS : 64,
    warmupMs: WARMUP,
    durationMs: rate === undefined ? DURATION : FIXED,
    ...(rate !== undefined ? { rate } : {}),
  };
  // The other scenarios' processes wait stopped: idle, they still collect garbage on our cores.
  for (const pid of others) process.kill(pid, 'SIGSTOP');
  try {
    const load = spawn(process.execPath, [js('tap/load.js'), JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let cpu0 = 0;
    let cpu1 = 0;
    let result: LoadResult | undefined;
    for await (const line of createInterface({ input: load.stdout })) {
      if (line === 'measuring') cpu0 = totalCpu(s.pids);
      else if (line === 'end') cpu1 = totalCpu(s.pids);
      else result = JSON.parse(line) as LoadResult;
    }
    if (result === undefined) throw new Error(`${s.name}: no result from the load generator`);
    const run = { result, cpuPerRequest: (cpu1 - cpu0) / Math.max(1, result.completed) };
    log(
      `${`${s.name} ${rate === undefined ? 'max' : `@${rate}`}`.padEnd(28)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)}  p99 ${result.p99.toFixed(2)} ms  ${run.cpuPerRequest.toFixed(1)} µs CPU/req${result.errors > 0 ? `  ${result.errors} errors` : ''}`,
    );
    return run;
  } finally {
    for (const pid of others) process.kill(pid, 'SIGCONT');
  }
}

async function service(
  label: string,
  spec: Omit<ServiceSpec, 'brokers' | 'topic'>,
): Promise<Scenario> {
  const full: ServiceSpec = { ...spec, brokers: BROKERS, topic: `bench-capture-${randomUUID()}` };
  const c = await node('capture/service.js', JSON.stringify(full), label, FLAGS);
  return { name: label, url: `http://127.0.0.1:${c.first}`, pids: [c.pid] };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const spread = (xs: number[], digits = 2): string =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;

try {
  const healthy = await node('tap/upstream.js', '0', 'healthy shadow');
  const slow = await node('tap/upstream.js', String(SLOW_MS), 'slow shadow');
  const bare = await service('bare', { capture: false });
  const tapBare = await service('bare (behind tap)', { capture: false });
  const tapSpec: TapProcessSpec = {
    mode: 'sidecar',
    primary: tapBare.url,
    publisher: 'kafka',
    brokers: BROKERS,
    topic: `bench-capture-tap-${randomUUID()}`,
  };
  const tap = await node('tap/tap-process.js', JSON.stringify(tapSpec), 'sidecar tap');
  const scenarios: Scenario[] = [
    bare,
    await service('capture record', { capture: true }),
    await service('capture mirror healthy', {
      capture: true,
      shadow: `http://127.0.0.1:${healthy.first}`,
    }),
    await service('capture mirror slow', {
      capture: true,
      shadow: `http://127.0.0.1:${slow.first}`,
    }),
    { name: 'sidecar tap', url: tap.first, pids: [tap.pid, ...tapBare.pids] },
  ];
  const allPids = scenarios.flatMap((s) => s.pids);
  const othersOf = (s: Scenario): number[] => allPids.filter((p) => !s.pids.includes(p));
  // Each scenario's first seconds run at half speed (JIT): one unrecorded run each.
  for (const s of scenarios) await measure(s, undefined, othersOf(s));
  const rate =
    Number(process.env.BENCH_RATE ?? 0) ||
    Math.round((await measure(bare, undefined, othersOf(bare))).result.rps / 2);
  log(`fixed load: ${rate} req/s (half the bare service's maximum)`);
  const runs = new Map<string, { max: Run[]; fixed: Run[] }>(
    scenarios.map((s) => [s.name, { max: [], fixed: [] }]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so no scenario always follows the same one.
    const order = round % 2 === 0 ? scenarios : [...scenarios].reverse();
    for (const s of order) {
      const r = runs.get(s.name) as { max: Run[]; fixed: Run[] };
      r.max.push(await measure(s, undefined, othersOf(s)));
      r.fixed.push(await measure(s, rate, othersOf(s)));
    }
  }
  const base = runs.get('bare') as { max: Run[]; fixed: Run[] };
  const ratio = (name: string, load: 'max' | 'fixed'): number[] =>
    (runs.get(name) as { max: Run[]; fixed: Run[] })[load].map(
      (run, i) => run.cpuPerRequest / (base[load][i] as Run).cpuPerRequest,
    );
  const p99Over = (name: string): number[] =>
    (runs.get(name) as { fixed: Run[] }).fixed.map(
      (run, i) => run.result.p99 - (base.fixed[i] as Run).result.p99,
    );
  const lines = [
    `bench:capture, ${ROUNDS} rounds, fixed load ${rate} req/s; median (min-max) over rounds`,
    `| scenario | max req/s | CPU/req vs bare, max | CPU/req vs bare, fixed | p99 at fixed over bare, ms |`,
    `| --- | --- | --- | --- | --- |`,
  ];
  for (const s of scenarios) {
    const r = runs.get(s.name) as { max: Run[]; fixed: Run[] };
    lines.push(
      `| ${s.name} | ${median(r.max.map((x) => x.result.rps)).toFixed(0)} | ${spread(ratio(s.name, 'max'))}x | ${spread(ratio(s.name, 'fixed'))}x | ${s.name === 'bare' ? `p99 ${spread(r.fixed.map((x) => x.result.p99))}` : `+${spread(p99Over(s.name))}`} |`,
    );
  }
  const slowOverHealthy = (runs.get('capture mirror slow') as { fixed: Run[] }).fixed.map(
    (run, i) =>
      run.result.p99 /
      ((runs.get('capture mirror healthy') as { fixed: Run[] }).fixed[i] as Run).result.p99,
  );
  lines.push('', `primary p99 at fixed load, slow shadow / healthy: ${spread(slowOverHealthy)}x`);
  const worst = Math.max(
    ...['capture record', 'capture mirror healthy', 'capture mirror slow'].map((n) =>
      median(ratio(n, 'fixed')),
    ),
  );
  const worstP99 = Math.max(
    ...['capture record', 'capture mirror healthy', 'capture mirror slow'].map((n) =>
      median(p99Over(n)),
    ),
  );
  lines.push(
    `targets: CPU/req <= 1.10x bare: ${worst <= 1.1 ? 'met' : 'MISSED'} (worst capture row at fixed load ${worst.toFixed(2)}x);` +
      ` p99 <= bare + 1 ms: ${worstP99 <= 1 ? 'met' : 'MISSED'} (+${worstP99.toFixed(2)} ms);` +
      ` slow <= 1.05x healthy: ${median(slowOverHealthy) <= 1.05 ? 'met' : 'MISSED'}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await Promise.all(children.map((c) => c.stop()));
}
