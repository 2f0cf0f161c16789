/**
 * Tap benchmark (issue 3). On loopback, against the same 1 KB JSON upstream and shadow:
 *   direct · bare node:http pipe proxy (the Node baseline) · tap sidecar · tap mirror ·
 *   Debian's nginx (plain proxy, and the `mirror` directive as the peer of mirror mode)
 * with the shadow healthy, 10x slower, and down. Prints req/s, p50/p99 and CPU per request as
 * ratios to figures measured in the same run, then checks the issue's targets. Not a timed test.
 *
 * Run: `npm run bench:tap`. Env: BENCH_DURATION_MS (1500), BENCH_FIXED_MS (5000), BENCH_WARMUP_MS (400),
 * BENCH_ROUNDS (2), BENCH_PIN (1: the hop under test on a core of its own), BENCH_ISOLATE (0: leave
 * the other hops running), BENCH_TAP_NODE_FLAGS (node flags for the taps),
 * BENCH_CONNECTIONS (32), KAFKA_BROKERS (127.0.0.1:19092), NGINX (path), BENCH_NO_INSTALL=1,
 * BENCH_LINGER_MS (the taps' tap.buffer.lingerMs), BENCH_RATE (the fixed load; default half the tap's maximum), BENCH_ONLY (a regular expression:
 * run only the scenarios it matches, plus direct; targets whose scenarios did not run are left out).
 */
import { randomUUID } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load.js';
import { ensureNginx, nginxConfig } from './nginx.js';
import { freePort, start, totalCpu, withChildren } from './proc.js';
import type { Child } from './proc.js';
import type { TapProcessSpec } from './tap-process.js';

const DURATION = Number(process.env.BENCH_DURATION_MS ?? 1_500);
/** Fixed-load runs are longer: a p99 over a few thousand requests is set by one stall of the machine. */
const FIXED_DURATION = Number(process.env.BENCH_FIXED_MS ?? 5_000);
const WARMUP = Number(process.env.BENCH_WARMUP_MS ?? 400);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
/**
 * BENCH_PIN=1: the hop under test on core 1, as a sidecar with a CPU of its own; the load generator,
 * the upstreams and the broker (which in production runs on other machines) on core 0. Off by
 * default: pinned, a tap's collector threads share its one core, and no p99 improved in the runs
 * tried (session 5).
 */
const PIN = process.env.BENCH_PIN === '1' && cpus().length >= 2;
const WORLD = 0;
const HOP = 1;
const here = dirname(fileURLToPath(import.meta.url));
const script = (name: string): string => join(here, name);
const log = (line: string): void => {
  process.stderr.write(`bench:tap: ${line}\n`);
};

interface Row {
  name: string;
  result: LoadResult;
  /** CPU µs per request of the hop under test (the upstream itself for `direct`). */
  cpuPerRequest: number;
}

const children: Child[] = [];
/** Every process that is a hop under test (proxies, taps, nginx's master and workers). */
const hops = new Set<number>();
/** Starts a child on `core` (WORLD or HOP; pinned with BENCH_PIN=1); hops are remembered in `hops`. */
async function child(
  command: string,
  args: string[],
  label: string,
  core: number,
  port?: number,
): Promise<Child> {
  const c = PIN
    ? await start('taskset', ['-c', String(core), command, ...args], label, port)
    : await start(command, args, label, port);
  children.push(c);
  if (core === HOP) hops.add(c.pid);
  return c;
}

/**
 * BENCH_ISOLATE (default 1): while one hop is measured, the others are stopped (SIGSTOP), as in a
 * deployment where one tap runs per pod. Idle, they still collect garbage (V8 shrinks an idle heap
 * with full collections of 20-60 ms here) and run timers, on the cores the measured hop needs.
 */
const ISOLATE = process.env.BENCH_ISOLATE !== '0';
/** Node flags for the taps (BENCH_TAP_NODE_FLAGS, e.g. `--max-semi-space-size=32`); none by default. */
const TAP_NODE_FLAGS = (process.env.BENCH_TAP_NODE_FLAGS ?? '')
  .split(' ')
  .filter((flag) => flag !== '');

function signalAll(pids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone: nothing to stop or continue.
    }
  }
}

/** Runs `run` with every other hop stopped, after the last one had time to flush its records. */
async function alone<T>(pids: number[], run: () => Promise<T>): Promise<T> {
  if (!ISOLATE) return run();
  await new Promise((resolve) => setTimeout(resolve, 400));
  const others = [...hops].filter((pid) => !pids.includes(pid));
  signalAll(others, 'SIGSTOP');
  try {
    return await run();
  } finally {
    signalAll(others, 'SIGCONT');
  }
}

/** One load run against `url`, charging the CPU of `pids` to it. */
async function measure(name: string, url: string, pids: number[], rate?: number): Promise<Row> {
  const spec: LoadSpec = {
    url,
    connections: rate === undefined ? CONNECTIONS : 64,
    warmupMs: WARMUP,
    durationMs: rate === undefined ? DURATION : FIXED_DURATION,
    ...(rate !== undefined ? { rate } : {}),
  };
  const load = loadGenerator(spec, 'pipe');
  let cpu0 = 0;
  let cpu1 = 0;
  let result: LoadResult | undefined;
  for await (const line of createInterface({ input: load.stdout as NodeJS.ReadableStream })) {
    if (line === 'measuring') cpu0 = totalCpu(pids);
    else if (line === 'end') cpu1 = totalCpu(pids);
    else result = JSON.parse(line) as LoadResult;
  }
  if (!result) throw new Error(`${name}: the load generator printed no result`);
  const row = {
    name,
    result,
    cpuPerRequest: result.completed > 0 ? (cpu1 - cpu0) / result.completed : NaN,
  };
  log(
    `${name.padEnd(30)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  ${row.cpuPerRequest.toFixed(1)} µs CPU/req` +
      (result.errors > 0 ? `  ${result.errors} errors` : '') +
      (result.backlog > 0 ? `  backlog ${result.backlog}` : ''),
  );
  return row;
}

/** The load generator, on the world's core when pinned. */
function loadGenerator(spec: LoadSpec, stdout: 'pipe' | 'ignore'): ChildProcess {
  const args = [script('load.js'), JSON.stringify(spec)];
  return PIN
    ? spawn('taskset', ['-c', String(WORLD), process.execPath, ...args], {
        stdio: ['ignore', stdout, 'inherit'],
      })
    : spawn(process.execPath, args, { stdio: ['ignore', stdout, 'inherit'] });
}

/** An unrecorded closed-loop run against `url`. */
async function warm(url: string): Promise<void> {
  const spec: LoadSpec = { url, connections: CONNECTIONS, warmupMs: 0, durationMs: WARMUP * 3 };
  const load = loadGenerator(spec, 'ignore');
  await new Promise((resolve) => load.once('exit', resolve));
}

/** Median of sequential unloaded requests: the upstream's own latency, for the slow shadow. */
async function unloadedMedian(url: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await new Promise<void>((resolve, reject) => {
      get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      }).on('error', reject);
    });
    if (i >= 50) times.push(performance.now() - t);
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

function reachable(address: string): Promise<boolean> {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(':')),
    Number(address.slice(address.lastIndexOf(':') + 1)),
  ];
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface Scenario {
  name: string;
  url: string;
  pids: number[];
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
const selected = (s: Scenario): boolean => !ONLY || s.name === 'direct' || ONLY.test(s.name);

/** Runs every scenario once per round, in order; returns each round's rows by name. */
async function runRounds(all: Scenario[], rate?: number): Promise<Map<string, Row>[]> {
  const scenarios = all.filter(selected);
  const out: Map<string, Row>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const rows = new Map<string, Row>();
    for (const s of scenarios) {
      rows.set(s.name, await alone(s.pids, () => measure(s.name, s.url, s.pids, rate)));
    }
    out.push(rows);
  }
  return out;
}

function medianOf(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length / 2;
  return Number.isInteger(mid)
    ? ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
    : (sorted[Math.floor(mid)] as number);
}

/** Per scenario, the median of each figure over the rounds. */
function medianRows(all: Scenario[], rounds: Map<string, Row>[]): Row[] {
  return all.filter(selected).map((s) => {
    const rows = rounds.map((r) => r.get(s.name) as Row);
    const m = (pick: (r: Row) => number): number => medianOf(rows.map(pick));
    return {
      name: s.name,
      cpuPerRequest: m((r) => r.cpuPerRequest),
      result: {
        completed: m((r) => r.result.completed),
        errors: rows.reduce((sum, r) => sum + r.result.errors, 0),
        rps: m((r) => r.result.rps),
        p50: m((r) => r.result.p50),
        p90: m((r) => r.result.p90),
        p99: m((r) => r.result.p99),
        max: Math.max(...rows.map((r) => r.result.max)),
        backlog: m((r) => r.result.backlog),
      },
    };
  });
}

const ratio = (a: number, b: number): string =>
  Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : 'n/a';
const check = (ok: boolean): string => (ok ? 'meets target' : 'MISSES target');

function table(title: string, rows: Row[], base: Row): void {
  const out = [
    '',
    title,
    `${'scenario'.padEnd(30)} ${'req/s'.padStart(8)} ${'x direct'.padStart(9)} ${'p50 ms'.padStart(8)} ${'x direct'.padStart(9)} ${'p99 ms'.padStart(8)} ${'x direct'.padStart(9)} ${'CPU us/req'.padStart(11)} ${'x direct'.padStart(9)}`,
  ];
  for (const r of rows) {
    out.push(
      `${r.name.padEnd(30)} ${r.result.rps.toFixed(0).padStart(8)} ${ratio(r.result.rps, base.result.rps).padStart(9)} ${r.result.p50.toFixed(3).padStart(8)} ${ratio(r.result.p50, base.result.p50).padStart(9)} ${r.result.p99.toFixed(3).padStart(8)} ${ratio(r.result.p99, base.result.p99).padStart(9)} ${r.cpuPerRequest.toFixed(1).padStart(11)} ${ratio(r.cpuPerRequest, base.cpuPerRequest).padStart(9)}` +
        (r.result.errors > 0 ? `  (${r.result.errors} errors)` : ''),
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const node = process.execPath;
  const upstream = (delayMs: number, label: string): Promise<Child> =>
    child(node, [script('upstream.js'), String(delayMs)], label, WORLD);
  const primary = await upstream(0, 'primary upstream');
  const shadowHealthy = await upstream(0, 'shadow upstream');
  const primaryUrl = `http://127.0.0.1:${primary.first}`;
  const median = await unloadedMedian(`${primaryUrl}/orders/42`);
  // 10x slower than the primary: nine more of its own latency, in whole ms (timer resolution).
  const slowDelay = Math.max(1, Math.round(median * 9));
  const shadowSlow = await upstream(slowDelay, 'slow shadow');
  const shadowPorts = {
    healthy: Number(shadowHealthy.first),
    slow: Number(shadowSlow.first),
    down: await freePort(),
  };

  const kafkaUp = await reachable(BROKERS[0] as string);
  const brokerPinned = kafkaUp && PIN ? pinBroker(BROKERS[0] as string) : undefined;
  restoreBroker = brokerPinned?.restore;
  const publisher: TapProcessSpec['publisher'] = kafkaUp ? 'kafka' : 'discard';
  if (!kafkaUp)
    log(
      `Kafka is not reachable at ${BROKERS.join(',')}: tap rows publish nowhere (start it: bash infra/local/kafka.sh start)`,
    );
  const tapSpec = (
    spec: Omit<TapProcessSpec, 'brokers' | 'topic' | 'publisher'>,
    pub = publisher,
  ): string =>
    JSON.stringify({
      ...spec,
      ...(process.env.BENCH_LINGER_MS ? { lingerMs: Number(process.env.BENCH_LINGER_MS) } : {}),
      publisher: pub,
      brokers: BROKERS,
      topic: `bench.taps.${randomUUID()}`,
    } satisfies TapProcessSpec);

  const pipe = await child(node, [script('pipe-proxy.js'), primaryUrl], 'pipe proxy', HOP);
  const tap = (label: string, spec: string): Promise<Child> =>
    child(node, [...TAP_NODE_FLAGS, script('tap-process.js'), spec], label, HOP);
  const sidecar = await tap('tap sidecar', tapSpec({ mode: 'sidecar', primary: primaryUrl }));
  const captureOnly = await tap(
    'tap sidecar (no publish)',
    tapSpec({ mode: 'sidecar', primary: primaryUrl }, 'discard'),
  );
  const noRecording = await tap(
    'tap sidecar (0% recorded)',
    tapSpec({ mode: 'sidecar', primary: primaryUrl, percent: 0 }, 'discard'),
  );
  const mirrors: Record<string, Child> = {};
  for (const [name, port] of Object.entries(shadowPorts)) {
    mirrors[name] = await tap(
      `tap mirror (${name})`,
      tapSpec({ mode: 'mirror', primary: primaryUrl, shadow: `http://127.0.0.1:${port}` }),
    );
  }

  const nginxBin = ensureNginx(log);
  let nginxPids: number[] = [];
  let nginxPorts: { plain: number; mirror: Record<string, number> } | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'shadowdiff-bench-nginx-'));
  if (nginxBin) {
    nginxPorts = {
      plain: await freePort(),
      mirror: { healthy: await freePort(), slow: await freePort(), down: await freePort() },
    };
    const { command, args } = nginxConfig(
      nginxBin,
      dir,
      Number(primary.first),
      shadowPorts,
      nginxPorts,
    );
    const nginx = await child(command, args, 'nginx', HOP, nginxPorts.plain);
    nginxPids = withChildren(nginx.pid);
    for (const pid of nginxPids) hops.add(pid);
  }
  const nginxVersion = nginxBin ? 'nginx (Debian), 1 worker' : 'nginx: not available';

  process.stdout.write(
    [
      `tap benchmark — node ${process.version}, ${cpus().length} cores (shared); max-load runs ${DURATION} ms after ${WARMUP} ms warm-up, ${CONNECTIONS} keep-alive connections (closed loop); fixed-load runs ${FIXED_DURATION} ms`,
      `upstream: 1 KB JSON; unloaded median ${median.toFixed(3)} ms; slow shadow +${slowDelay} ms (${((median + slowDelay) / median).toFixed(0)}x); down shadow: closed port`,
      PIN
        ? `pinned: the hop under test on core ${HOP}; load generator, upstreams${brokerPinned ? ' and the broker' : ''} on core ${WORLD}`
        : 'not pinned: every process on any core (BENCH_PIN=1 gives the hop under test a core of its own)',
      ISOLATE
        ? 'isolated: the other hops are stopped (SIGSTOP) while one is measured (BENCH_ISOLATE=0: all run throughout)'
        : 'not isolated: every hop runs throughout, idle or not',
      `taps run as node ${TAP_NODE_FLAGS.join(' ') || '(no flags)'} (BENCH_TAP_NODE_FLAGS)`,
      `tap records: ${kafkaUp ? `published to Kafka at ${BROKERS.join(',')} (gzip, idempotent; broker CPU not counted)` : 'Kafka unreachable — not published'}; ${nginxVersion}`,
    ].join('\n') + '\n',
  );

  const up = primary.pid;
  const local = (port: number | string): string => `http://127.0.0.1:${port}/orders/42`;
  const scenario = (name: string, url: string, pids: number[]): Scenario => ({ name, url, pids });
  const tapMirrorScenario = (name: string): Scenario =>
    scenario(`tap mirror, shadow ${name}`, `${(mirrors[name] as Child).first}/orders/42`, [
      (mirrors[name] as Child).pid,
    ]);
  const nginxMirrorScenario = (name: string): Scenario[] =>
    nginxPorts
      ? [
          scenario(
            `nginx mirror, shadow ${name}`,
            local(nginxPorts.mirror[name] as number),
            nginxPids,
          ),
        ]
      : [];
  const SHADOWS = ['healthy', 'slow', 'down'];

  // Phase A: maximum throughput. Rounds interleave the scenarios, so a burst of other work on the
  // machine lands on all of them rather than on one; each figure is the median over rounds.
  const maxScenarios: Scenario[] = [
    scenario('direct', local(primary.first), [up]),
    scenario('node:http pipe proxy', local(pipe.first), [pipe.pid]),
    scenario('tap sidecar', `${sidecar.first}/orders/42`, [sidecar.pid]),
    scenario('tap sidecar, no publish', `${captureOnly.first}/orders/42`, [captureOnly.pid]),
    scenario('tap sidecar, 0% recorded', `${noRecording.first}/orders/42`, [noRecording.pid]),
    ...(nginxPorts ? [scenario('nginx proxy', local(nginxPorts.plain), nginxPids)] : []),
    ...SHADOWS.map(tapMirrorScenario),
    ...SHADOWS.flatMap(nginxMirrorScenario),
  ];
  // A first run of anything is JIT-cold (a tap's first second runs at half speed): every hop gets one
  // short unrecorded run before the rounds, so round 1 is not a different experiment from the rest.
  log('warming up every hop (not recorded)');
  for (const s of maxScenarios.filter(selected)) await alone(s.pids, () => warm(s.url));
  const rounds = await runRounds(maxScenarios);
  const rows = medianRows(maxScenarios, rounds);
  const direct = rows[0] as Row;
  const find = (list: Row[], name: string): Row | undefined => list.find((r) => r.name === name);
  table(
    `A. Maximum throughput (closed loop), median of ${ROUNDS} interleaved rounds. CPU: the hop under test; for direct, the upstream itself.`,
    rows,
    direct,
  );

  // Phase B: fixed offered load at half the tap's maximum.
  const tapMaxima = ['tap sidecar', 'tap mirror, shadow healthy']
    .map((name) => find(rows, name)?.result.rps)
    .filter((rps): rps is number => rps !== undefined);
  const rate = process.env.BENCH_RATE
    ? Number(process.env.BENCH_RATE)
    : Math.max(100, Math.round((tapMaxima.length > 0 ? Math.min(...tapMaxima) : 1_000) / 2));
  log(`fixed load: ${rate} req/s (half the tap's maximum)`);
  const fixedScenarios: Scenario[] = [
    scenario('direct', local(primary.first), [up]),
    scenario('node:http pipe proxy', local(pipe.first), [pipe.pid]),
    scenario('tap sidecar', `${sidecar.first}/orders/42`, [sidecar.pid]),
    scenario('tap sidecar, no publish', `${captureOnly.first}/orders/42`, [captureOnly.pid]),
    scenario('tap sidecar, 0% recorded', `${noRecording.first}/orders/42`, [noRecording.pid]),
    ...(nginxPorts ? [scenario('nginx proxy', local(nginxPorts.plain), nginxPids)] : []),
    ...SHADOWS.map(tapMirrorScenario),
    ...SHADOWS.flatMap(nginxMirrorScenario),
  ];
  const fixedRounds = await runRounds(fixedScenarios, rate);
  const fixed = medianRows(fixedScenarios, fixedRounds);
  const fixedDirect = fixed[0] as Row;
  table(
    `B. Fixed offered load, ${rate} req/s (open loop, latency from when each request was due), median of ${ROUNDS} rounds.`,
    fixed,
    fixedDirect,
  );

  // Targets from the issue.
  const lines = ['', 'Targets (ratios from the same run)'];
  const at = (list: Row[], name: string): Row => find(list, name) as Row;
  // Per round, then the median: both sides of each ratio saw the same machine conditions.
  const perRound = (list: Map<string, Row>[], a: string, b: string): number =>
    medianOf(list.map((r) => (r.get(a) as Row).cpuPerRequest / (r.get(b) as Row).cpuPerRequest));
  // A target line only when every scenario it reads ran (BENCH_ONLY may leave some out).
  const ran = new Set(fixed.map((r) => r.name));
  const when = (names: string[], text: () => string): void => {
    if (names.every((n) => ran.has(n))) lines.push(text());
  };
  const PIPE = 'node:http pipe proxy';
  when(['tap sidecar', PIPE], () => {
    const cpuMax = perRound(rounds, 'tap sidecar', PIPE);
    const cpuFixed = perRound(fixedRounds, 'tap sidecar', PIPE);
    return `  CPU/req, tap sidecar vs bare pipe proxy: ${cpuMax.toFixed(2)}x at max load, ${cpuFixed.toFixed(2)}x at ${rate} req/s (target <= 1.15x) — ${check(Math.max(cpuMax, cpuFixed) <= 1.15)}`;
  });
  for (const [name, label] of [
    ['tap sidecar, no publish', 'tap sidecar without publishing'],
    ['tap sidecar, 0% recorded', 'tap sidecar recording nothing (0%)'],
  ] as const) {
    when(
      [name, PIPE],
      () =>
        `  CPU/req, ${label} vs bare pipe proxy: ${perRound(rounds, name, PIPE).toFixed(2)}x at max load, ${perRound(fixedRounds, name, PIPE).toFixed(2)}x at ${rate} req/s`,
    );
  }
  when(
    [PIPE],
    () =>
      `  CPU/req, bare pipe proxy vs direct upstream: ${ratio(at(rows, PIPE).cpuPerRequest, direct.cpuPerRequest)} at max load`,
  );
  for (const [list, label] of [
    [rounds, 'max load'],
    [fixedRounds, `${rate} req/s`],
  ] as const) {
    when(
      ['tap sidecar', 'nginx proxy', 'tap mirror, shadow healthy', 'nginx mirror, shadow healthy'],
      () =>
        `  CPU/req vs nginx (${label}): tap sidecar / nginx proxy ${perRound(list, 'tap sidecar', 'nginx proxy').toFixed(2)}x; tap mirror / nginx mirror ${perRound(list, 'tap mirror, shadow healthy', 'nginx mirror, shadow healthy').toFixed(2)}x`,
    );
  }
  // Latency targets are paired the same way: a stall of the machine lands on one round's runs, so
  // each round's difference (or ratio) is taken first, then the median over rounds. The figures
  // from the table's medians are printed beside them.
  const p99 = (r: Map<string, Row>, name: string): number => (r.get(name) as Row).result.p99;
  const pairedP99 = (f: (r: Map<string, Row>) => number): number => medianOf(fixedRounds.map(f));
  for (const name of [PIPE, 'nginx proxy', 'tap sidecar', 'tap mirror, shadow healthy']) {
    when([name], () => {
      const extra = pairedP99((r) => p99(r, name) - p99(r, 'direct'));
      const ofMedians = at(fixed, name).result.p99 - fixedDirect.result.p99;
      const reference =
        name === PIPE
          ? ' — the Node hop alone, for reference'
          : name === 'nginx proxy'
            ? ' — nginx, for reference'
            : ` (target <= +1 ms) — ${check(extra <= 1)}`;
      return `  p99 at ${rate} req/s over direct, ${name}: +${extra.toFixed(2)} ms per round (median; table medians +${ofMedians.toFixed(2)} ms)${reference}`;
    });
  }
  for (const who of ['tap', 'nginx']) {
    for (const name of ['slow', 'down']) {
      const healthy = `${who} mirror, shadow healthy`;
      const other = `${who} mirror, shadow ${name}`;
      when([healthy, other], () => {
        const q = pairedP99((r) => p99(r, other) / p99(r, healthy));
        const ofMedians = at(fixed, other).result.p99 / at(fixed, healthy).result.p99;
        return `  primary p99 with shadow ${name} vs healthy, ${who}: ${q.toFixed(2)}x per round (median; table medians ${ofMedians.toFixed(2)}x) (target <= 1.10x)${who === 'tap' ? ` — ${check(q <= 1.1)}` : ''}`;
      });
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  rmSync(dir, { recursive: true, force: true });
}

let restoreBroker: (() => void) | undefined;

/**
 * Puts the local broker (infra/local/kafka.sh's, found by its pid file) on the world's core for the
 * run: it stands in for a broker on another machine, so it must not take the hop's core.
 */
function pinBroker(address: string): { restore(): void } | undefined {
  const port = address.slice(address.lastIndexOf(':') + 1);
  const pidFile = join(here, '../../../infra/local/.state', `kafka-${port}`, 'kafka.pid');
  let pid: string;
  try {
    pid = readFileSync(pidFile, 'utf8').trim();
  } catch {
    log(`BENCH_PIN: no ${pidFile}; the broker is left where it runs`);
    return undefined;
  }
  const mask = execFileSync('taskset', ['-p', pid], { encoding: 'utf8' }).trim().split(' ').pop();
  execFileSync('taskset', ['-a', '-p', '-c', String(WORLD), pid], { stdio: 'ignore' });
  return {
    restore: () => {
      if (mask) execFileSync('taskset', ['-a', '-p', mask, pid], { stdio: 'ignore' });
    },
  };
}

try {
  await main();
} finally {
  restoreBroker?.();
  signalAll(hops, 'SIGCONT');
  await Promise.all(children.reverse().map((c) => c.stop()));
}
