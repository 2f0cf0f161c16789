/**
 * Worker benchmark (issue 4, benchmark b): end to end through real Kafka and Redis with 1 and 2
 * worker processes (`node services/cli/dist/main.js worker`, exactly what operators run).
 *
 *  - throughput: N pairs of 1 KB JSON bodies are published in a burst once the group is stable;
 *    sustained pairs/s is read from the verdicts' publish times (10th-90th percentile span).
 *  - lag: pairs published at BENCH_LAG_RATE pairs/s (default 5000, half the 10 000 target);
 *    lag = verdict publish time - the later half's publish time, p50 / p99.
 *  - peak RSS of each worker process (VmHWM).
 *
 * Baselines measured in the same run, on the same broker and records: a plain kafkajs consumer
 * doing nothing with the records (throughput, and publish -> receive lag at the same rate).
 * Figures are printed with their ratio to the baseline. Not a timed test: it prints.
 *
 * Run: `npm run bench:worker` (builds, then runs this file's compiled JS). Needs Kafka
 * (KAFKA_BROKERS, default 127.0.0.1:19092 — `bash infra/local/kafka.sh start`) and Redis
 * (REDIS_URL, default redis://127.0.0.1:6379). Knobs: BENCH_PAIRS (30000), BENCH_LAG_RATE (5000),
 * BENCH_LAG_SECONDS (6), BENCH_WORKERS ("1,2"), BENCH_CONCURRENCY (worker --concurrency),
 * BENCH_CPU_PROF (a directory: each worker writes a V8 CPU profile there when it stops).
 *
 * A/B of two builds: BENCH_AB="old=/path/to/old/worktree,new=/path/to/this" (each built) runs
 * BENCH_ROUNDS (3) rounds of 1-worker throughput + lag, alternating the builds (A B, then B A, ...)
 * on the same broker and records, and prints each build's figures per round, median and spread,
 * and new/old ratios.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteKeysByPrefix } from '@shadowdiff/testkit/fixtures';
import { Redis } from 'ioredis';
import {
  collectVerdicts,
  createTopics,
  groupStable,
  kafka,
  produceBurst,
  producePaced,
  rawConsume,
} from './kafka-io.js';
import { pairs } from './records.js';
import type { Pair } from './records.js';
import { fmt, percentile, sustainedRate } from './stats.js';
import { startWorker, writeConfig } from './workers.js';
import type { WorkerChild } from './workers.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.env.BENCH_PAIRS ?? 30_000);
const LAG_RATE = Number(process.env.BENCH_LAG_RATE ?? 5_000);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 6);
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
const workerArgs = process.env.BENCH_CONCURRENCY
  ? ['--concurrency', process.env.BENCH_CONCURRENCY]
  : [];

const TARGET_PAIRS_PER_S = 10_000;
const TARGET_P99_MS = 500;
const TARGET_RSS_MB = 300;

const runId = `bench-${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(join(tmpdir(), 'shadowdiff-bench-'));
const k = kafka(brokers);
const admin = k.admin();
const createdTopics: string[] = [];
const prefixes: string[] = [];
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Names {
  taps: string;
  verdicts: string;
  group: string;
  prefix: string;
}

async function names(label: string): Promise<Names> {
  const id = `${runId}-${label}`;
  const n = {
    taps: `${id}.taps`,
    verdicts: `${id}.verdicts`,
    group: `${id}-group`,
    prefix: `${id}:`,
  };
  await createTopics(admin, [
    [n.taps, 6],
    [n.verdicts, 6],
    [`${id}.dlq`, 1],
  ]);
  createdTopics.push(n.taps, n.verdicts, `${id}.dlq`);
  prefixes.push(n.prefix);
  return n;
}

function config(n: Names): string {
  return writeConfig(dir, n.group, {
    service: 'bench',
    kafka: {
      brokers,
      topics: { taps: n.taps, verdicts: n.verdicts, dlq: n.taps.replace('.taps', '.dlq') },
    },
    redis: { url: redisUrl, keyPrefix: n.prefix },
    worker: { groupId: n.group, windowMs: 10_000 },
    telemetry: { prometheus: { enabled: false } },
  });
}

async function fleet(n: Names, count: number, build = repo): Promise<WorkerChild[]> {
  const path = config(n);
  const workers = await Promise.all(
    Array.from({ length: count }, () => startWorker(build, path, workerArgs)),
  );
  await groupStable(admin, n.group, count);
  return workers;
}

let runs = 0;

async function throughput(count: number, data: Pair[], build = repo) {
  const n = await names(`tput${count}-${runs++}`);
  const workers = await fleet(n, count, build);
  const collector = await collectVerdicts(k, n.verdicts, data.length);
  const producer = k.producer();
  await producer.connect();
  const cpu0 = workers.reduce((sum, w) => sum + w.cpuSeconds(), 0);
  await produceBurst(producer, n.taps, data);
  await producer.disconnect();
  await Promise.race([collector.done, new Promise((r) => setTimeout(r, 120_000))]);
  const cpuUsPerPair =
    ((workers.reduce((sum, w) => sum + w.cpuSeconds(), 0) - cpu0) * 1e6) / data.length;
  const rate = sustainedRate([...collector.at.values()]);
  const got = collector.at.size;
  const duplicates = collector.duplicates;
  await collector.stop();
  const rss = workers.map((w) => w.peakRssMb());
  await Promise.all(workers.map((w) => w.stop()));
  return { rate, got, duplicates, rss, cpuUsPerPair };
}

async function lag(count: number, data: Pair[], build = repo) {
  const n = await names(`lag${count}-${runs++}`);
  const workers = await fleet(n, count, build);
  const collector = await collectVerdicts(k, n.verdicts, data.length);
  const producer = k.producer();
  await producer.connect();
  const publishedAt = new Map<string, number>();
  await producePaced(producer, n.taps, data, LAG_RATE, publishedAt);
  await producer.disconnect();
  await Promise.race([collector.done, new Promise((r) => setTimeout(r, 60_000))]);
  const lags: number[] = [];
  for (const [traceId, at] of collector.at) {
    const sent = publishedAt.get(traceId);
    if (sent !== undefined) lags.push(at - sent);
  }
  lags.sort((a, b) => a - b);
  const rate = sustainedRate([...collector.at.values()]);
  const got = collector.at.size;
  await collector.stop();
  const rss = workers.map((w) => w.peakRssMb());
  await Promise.all(workers.map((w) => w.stop()));
  return { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), rate, got, rss };
}

async function baseline(data: Pair[], lagData: Pair[]) {
  const t = `${runId}-raw.taps`;
  const tl = `${runId}-rawlag.taps`;
  await createTopics(admin, [
    [t, 6],
    [tl, 6],
  ]);
  createdTopics.push(t, tl);
  const producer = k.producer();
  await producer.connect();
  await produceBurst(producer, t, data);
  const cpu0 = process.cpuUsage();
  const raw = await rawConsume(k, t, data.length * 2, 120_000);
  const cpu = process.cpuUsage(cpu0);
  const rawCpuUsPerPair = (cpu.user + cpu.system) / data.length;
  const rawRate = sustainedRate(raw.receivedAt) / 2;
  // Lag baseline: the same paced stream, read by a consumer that does nothing.
  const reading = rawConsume(k, tl, lagData.length * 2, 60_000);
  await new Promise((r) => setTimeout(r, 3_000)); // let it join before the stream starts
  await producePaced(producer, tl, lagData, LAG_RATE, new Map());
  const rawLag = await reading;
  await producer.disconnect();
  const lags = rawLag.lags.sort((a, b) => a - b);
  return {
    pairsPerS: rawRate,
    cpuUsPerPair: rawCpuUsPerPair,
    p50: percentile(lags, 0.5),
    p99: percentile(lags, 0.99),
  };
}

async function cleanup(): Promise<void> {
  await admin.deleteTopics({ topics: createdTopics }).catch(() => {});
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  for (const prefix of prefixes) await deleteKeysByPrefix(redis, prefix);
  redis.disconnect();
}

const ok = (pass: boolean) => (pass ? 'ok' : 'MISSED');

/** BENCH_AB: alternate two builds, several rounds, 1 worker each; figures and new/old ratios. */
async function ab(spec: string): Promise<void> {
  const builds = spec.split(',').map((b) => {
    const [label, dir] = b.split('=');
    return { label: label!, dir: dir! };
  });
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const data = pairs(N);
  const lagCount = LAG_RATE * LAG_SECONDS;
  const got = new Map(
    builds.map((b) => [b.label, [] as { rate: number; p50: number; p99: number }[]]),
  );
  const lines: string[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? builds : [...builds].reverse();
    for (const b of order) {
      log(`round ${r + 1}: ${b.label}`);
      const t = await throughput(1, data, b.dir);
      const l = await lag(1, pairs(lagCount), b.dir);
      got.get(b.label)!.push({ rate: t.rate, p50: l.p50, p99: l.p99 });
      lines.push(
        `  round ${r + 1} ${b.label}: ${fmt(t.rate)} pairs/s (${t.got}/${N}), lag p50 ${fmt(l.p50)} ms p99 ${fmt(l.p99)} ms`,
      );
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = builds.map((b) => {
    const rs = got.get(b.label)!;
    const rate = rs.map((x) => x.rate);
    const p99 = rs.map((x) => x.p99);
    return `  ${b.label}: pairs/s median ${fmt(med(rate))} (${fmt(Math.min(...rate))}-${fmt(Math.max(...rate))}), lag p50 median ${fmt(med(rs.map((x) => x.p50)))} ms, p99 median ${fmt(med(p99))} ms (${fmt(Math.min(...p99))}-${fmt(Math.max(...p99))})`;
  });
  const [a, b] = builds.map((x) => got.get(x.label)!);
  const ratios =
    a && b
      ? `  ${builds[1]!.label}/${builds[0]!.label} per round: pairs/s ${a.map((x, i) => fmt(b[i]!.rate / x.rate, 2)).join(', ')}; p99 ${a.map((x, i) => fmt(b[i]!.p99 / Math.max(1, x.p99), 2)).join(', ')}`
      : '';
  await cleanup();
  await admin.disconnect();
  process.stdout.write(
    [
      '',
      `shadowdiff worker A/B — ${N} pairs, 1 worker, lag at ${LAG_RATE} pairs/s, ${rounds} rounds alternating`,
      ...lines,
      ...summary,
      ratios,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  await admin.connect();
  if (process.env.BENCH_AB) return ab(process.env.BENCH_AB);
  const load0 = loadavg()[0]!;
  log(`building ${N} pairs (1 KB bodies) + ${LAG_RATE * LAG_SECONDS} for the lag runs`);
  const data = pairs(N);
  const lagCount = LAG_RATE * LAG_SECONDS;
  const lagData = () => pairs(lagCount);
  log('baseline: raw kafkajs consumer');
  const base = await baseline(data, lagData());
  const rows: string[] = [];
  for (const count of WORKER_COUNTS) {
    log(`${count} worker(s): throughput`);
    const t = await throughput(count, data);
    log(`${count} worker(s): lag at ${LAG_RATE} pairs/s`);
    const l = await lag(count, lagData());
    const rss = Math.max(...t.rss, ...l.rss);
    rows.push(
      [
        `${count} worker${count > 1 ? 's' : ' '}`,
        `${fmt(t.rate)} pairs/s (${fmt(t.rate / base.pairsPerS, 2)}x raw; target ${fmt(TARGET_PAIRS_PER_S)}: ${ok(t.rate >= TARGET_PAIRS_PER_S)})`,
        `lag p50 ${fmt(l.p50)} ms, p99 ${fmt(l.p99)} ms at ${fmt(l.rate)} pairs/s (p99 ${fmt(l.p99 / Math.max(1, base.p99), 1)}x raw; target < ${TARGET_P99_MS}: ${ok(l.p99 < TARGET_P99_MS)})`,
        `CPU ${fmt(t.cpuUsPerPair)} µs per pair in the workers = ${fmt(1e6 / t.cpuUsPerPair)} pairs per CPU-second (${fmt(base.cpuUsPerPair / t.cpuUsPerPair, 2)}x raw consumer's)`,
        `peak RSS ${t.rss
          .concat(l.rss)
          .map((r) => fmt(r))
          .join('/')} MB (target < ${TARGET_RSS_MB}: ${ok(rss < TARGET_RSS_MB)})`,
        `verdicts ${t.got}/${N}${t.duplicates ? ` DUPLICATES ${t.duplicates}` : ''}, ${l.got}/${lagCount}`,
      ].join('\n    '),
    );
  }
  await cleanup();
  await admin.disconnect();
  const out = [
    '',
    `shadowdiff worker benchmark — ${N} pairs, 1 KB JSON bodies (1 in 10 drifts), window 10 s, ${brokers.join(',')}`,
    `load average ${fmt(load0, 1)} at start, ${fmt(loadavg()[0]!, 1)} at end (2-core machine, shared)`,
    `baseline (same run): raw kafkajs consumer ${fmt(base.pairsPerS)} pairs/s (${fmt(base.pairsPerS * 2)} records/s, ${fmt(base.cpuUsPerPair)} µs CPU per pair); publish->receive lag p50 ${fmt(base.p50)} ms, p99 ${fmt(base.p99)} ms at ${LAG_RATE} pairs/s`,
    ...rows.map((r) => `  ${r}`),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

main().catch(async (error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  await cleanup().catch(() => {});
  process.exitCode = 1;
});
