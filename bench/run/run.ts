/**
 * `shadowdiff run` benchmark (issue 15). On loopback, the same load through three processes,
 * alternating in rounds (the order rotates each round, so drift in the shared machine's load hits
 * all of them alike): the mirror tap publishing to Kafka (the fleet's tap: the baseline), the same
 * tap dropping its records (a lower bound) and `shadowdiff run` (tap + in-process judging). Prints
 * CPU per request of each, the ratio run / Kafka tap of every round (target ≤ 1.3x: judging
 * in-process adds at most 30%) with median and spread, and the same against the dropping tap.
 * Then one `run` process takes BENCH_MEM_REQUESTS over the 50 routes; at each quarter the bench
 * reads its RSS and, after a full GC (gc-probe.js), its retained heap — bounded means flat.
 * Not a timed test.
 *
 * Run: `npm run bench:run` (needs the local broker, KAFKA_BROKERS default 127.0.0.1:19092).
 * Env: BENCH_REQUESTS (20000 per measurement), BENCH_ROUNDS (4), BENCH_CONNECTIONS (16),
 * BENCH_MEM_REQUESTS (200000), BENCH_VERBOSE=1 (children's stderr).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import type { HopContext, HopKind } from './hops.js';
import { startHop } from './hops.js';
import { CONNECTIONS, drive } from './load.js';
import { cpuMicros, rssMiB, settle, start } from './proc.js';
import { ROUTES } from './services.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const MEM_REQUESTS = Number(process.env.BENCH_MEM_REQUESTS ?? 200_000);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const TARGET = 1.3;
const WARM_UP = 2_000;
const here = dirname(fileURLToPath(import.meta.url));
const log = (line: string): void => void process.stderr.write(`bench:run: ${line}\n`);

const LABEL: Record<HopKind, string> = {
  kafka: 'mirror tap → Kafka',
  drop: 'mirror tap, records dropped',
  run: 'shadowdiff run',
};

/** CPU µs per request of one hop under REQUESTS requests (after a warm-up), idle both ends. */
async function measure(kind: HopKind, ctx: HopContext): Promise<number> {
  const hop = await startHop(kind, ctx);
  try {
    await drive(hop.first, WARM_UP);
    await settle(hop.pid);
    const before = cpuMicros(hop.pid);
    const failed = await drive(hop.first, REQUESTS, WARM_UP);
    await settle(hop.pid);
    const perRequest = (cpuMicros(hop.pid) - before) / REQUESTS;
    if (failed > 0) log(`${kind}: ${failed} requests failed`);
    return perRequest;
  } finally {
    await hop.stop();
  }
}

interface MemoryPoint {
  after: number;
  rss: number;
  heapUsed: number;
}

/** One `run` process, MEM_REQUESTS requests; RSS and heap after a full GC at each quarter. */
async function memory(ctx: HopContext): Promise<{ points: MemoryPoint[]; routes: number }> {
  const out = join(ctx.dir, 'gc-probe.json');
  const hop = await startHop('run', ctx, { out });
  const probe = async (after: number): Promise<MemoryPoint> => {
    await settle(hop.pid);
    rmSync(out, { force: true });
    hop.process.kill('SIGUSR2');
    for (let i = 0; i < 200 && !existsSync(out); i++) await new Promise((r) => setTimeout(r, 50));
    const usage = JSON.parse(readFileSync(out, 'utf8')) as NodeJS.MemoryUsage;
    const point = { after, rss: rssMiB(hop.pid), heapUsed: usage.heapUsed / 2 ** 20 };
    log(
      `  after ${after}: RSS ${point.rss.toFixed(0)} MiB, heap after GC ${point.heapUsed.toFixed(0)} MiB`,
    );
    return point;
  };
  const points = [await probe(0)];
  for (let q = 1; q <= 4; q++) {
    const from = ((q - 1) * MEM_REQUESTS) / 4;
    const failed = await drive(hop.first, MEM_REQUESTS / 4, from);
    if (failed > 0) log(`memory: ${failed} requests failed`);
    points.push(await probe((q * MEM_REQUESTS) / 4));
  }
  await hop.stop();
  return { points, routes: hop.stdout.filter((l) => /^\s+GET \/api\//.test(l)).length };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

async function main(): Promise<void> {
  const kafka = new Kafka({
    brokers: BROKERS.split(','),
    clientId: 'bench-run',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect().catch((error: Error) => {
    throw new Error(
      `bench:run: no Kafka broker at ${BROKERS} (${error.message}) — the baseline is the tap publishing to Kafka: start infra/local/kafka.sh or set KAFKA_BROKERS`,
    );
  });
  const topic = `bench-run-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-run-'));
  const services = await start([join(here, 'services.js')], 'services');
  try {
    const [p, s] = services.first.split(' ');
    const ctx: HopContext = {
      primary: `http://127.0.0.1:${p}`,
      shadow: `http://127.0.0.1:${s}`,
      dir,
      brokers: BROKERS,
      topic,
      here,
      cli: join(process.cwd(), 'services/cli/dist/main.js'),
    };
    const kinds: HopKind[] = ['kafka', 'drop', 'run'];
    const cpu: Record<HopKind, number[]> = { kafka: [], drop: [], run: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]!);
      for (const kind of order) {
        const us = await measure(kind, ctx);
        cpu[kind].push(us);
        log(`round ${round + 1}: ${kind} ${us.toFixed(1)} µs CPU per request`);
      }
    }
    const published = (await admin.fetchTopicOffsets(topic)).reduce(
      (n, o) => n + Number(o.high),
      0,
    );
    const vsKafka = cpu.run.map((r, i) => r / cpu.kafka[i]!);
    const vsDrop = cpu.run.map((r, i) => r / cpu.drop[i]!);

    log(`memory: ${MEM_REQUESTS} requests over ${ROUTES.length} routes through one run process`);
    const mem = await memory(ctx);
    const ratio = median(vsKafka);
    const row = (kind: HopKind) =>
      `  ${LABEL[kind].padEnd(30)} ${median(cpu[kind]).toFixed(1).padStart(7)} µs CPU / request   (rounds: ${cpu[kind].map((x) => x.toFixed(0)).join(', ')})`;
    process.stdout.write(
      [
        '',
        `shadowdiff run vs the mirror tap (same load: ${REQUESTS} GETs over ${ROUTES.length} routes, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds, median)`,
        '',
        row('kafka'),
        `    (records it published to ${topic}: ${published}, for ${ROUNDS * (REQUESTS + WARM_UP)} requests)`,
        row('drop'),
        row('run'),
        '',
        `  run / tap → Kafka              ${ratio.toFixed(2).padStart(7)}x   per round ${vsKafka.map((x) => x.toFixed(2)).join(', ')} (spread ${spread(vsKafka)})   target ≤ ${TARGET}x: ${ratio <= TARGET ? 'met' : 'NOT met'}`,
        `  run / tap, records dropped     ${median(vsDrop).toFixed(2).padStart(7)}x   per round ${vsDrop.map((x) => x.toFixed(2)).join(', ')} (spread ${spread(vsDrop)})   (lower bound)`,
        '',
        `  run's memory over ${MEM_REQUESTS} requests (${ROUTES.length} routes), at each quarter:`,
        `    requests       ${mem.points.map((m) => String(m.after).padStart(7)).join(' ')}`,
        `    RSS MiB        ${mem.points.map((m) => m.rss.toFixed(0).padStart(7)).join(' ')}`,
        `    heap after GC  ${mem.points.map((m) => m.heapUsed.toFixed(0).padStart(7)).join(' ')}`,
        `  routes in its drift table at exit: ${mem.routes}`,
        '',
      ].join('\n'),
    );
  } finally {
    await services.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
