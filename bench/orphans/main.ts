/**
 * Orphan-scheme benchmark (issue 4): the two BullMQ orphan-timeout schemes end to end against a
 * real Redis, through the real adapters (`createRedisAlignment`). N traces arrive as halves in
 * batches, as a worker would take them off Kafka: half of the traces get both halves (pairs),
 * half only one (orphans, after a short window). Per batch the "worker" does what the pipeline
 * does: `offer`, `schedule` the waiting/duplicate halves, `markEmitted` the pairs; the scheduler's
 * `onDue` does `expire` + `markEmitted`. Printed per scheme: pairs/s through offer()+schedule(),
 * orphan verdicts/s, how late orphans fire, client commands / round trips / server commands per
 * trace; then swept ÷ delayed-job ratios. Not a timed test: it prints, and names the winner.
 *
 * CPU time per trace (this process and the private redis-server, from /proc) is printed too: on a
 * shared 2-core box wall-clock rates swing with the neighbours, CPU cost per trace much less.
 *
 * Run: `npm run bench:orphans` (BENCH_TRACES, BENCH_BODY_BYTES, BENCH_WINDOW_MS, BENCH_BATCH,
 * BENCH_LANES tune it; BENCH_REDIS_URL points it at another Redis).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HalfOffer } from '@shadowdiff/engine';
import { createRedisAlignment, ORPHAN_SCHEMES } from '@shadowdiff/redis';
import type { OrphanScheme } from '@shadowdiff/redis';
import { Redis } from 'ioredis';
import { clientCounts, installClientCounter } from './client-counter.js';
import { benchRedis, commandStats, statsDelta } from './redis-server.js';
import type { BenchRedis } from './redis-server.js';

const TRACES = Number(process.env.BENCH_TRACES ?? 50_000);
const BODY_BYTES = Number(process.env.BENCH_BODY_BYTES ?? 1024);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 2_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const LANES = Number(process.env.BENCH_LANES ?? 4);
/** How many halves later a pair's second half arrives (a few batches: realistic tap skew). */
const SKEW = Number(process.env.BENCH_SKEW ?? 1_500);
const TARGET_PAIRS_PER_S = 10_000;

interface SchemeResult {
  scheme: OrphanScheme;
  pairs: number;
  orphans: number;
  offerMs: number;
  pairsPerS: number;
  halvesPerS: number;
  orphanPerS: number;
  fireDelayP50: number;
  fireDelayP99: number;
  drainMs: number;
  clientCommands: number;
  roundTrips: number;
  serverCommands: number;
  topServer: [string, number][];
  /** CPU ms per 1000 traces over the whole run (offer to drained): this process, redis-server. */
  nodeCpuPerK: number;
  redisCpuPerK: number | null;
  /** Fires that found the trace already paired (wasted work). */
  gone: number;
}

/** The halves as they come off the topic: primaries in order, each pair's shadow SKEW later. */
function halfStream(): HalfOffer[] {
  const body = randomBytes(BODY_BYTES);
  const ids = Array.from({ length: TRACES }, (_, i) => `${randomUUID().replace(/-/g, '')}${i}`);
  const stream: HalfOffer[] = [];
  const half = (i: number, role: 'primary' | 'shadow'): HalfOffer => ({
    traceId: ids[i]!,
    role,
    half: body,
    expected: ['primary', 'shadow'],
    deadlineAt: 0, // set when offered: the window runs from arrival
  });
  const shadows: number[] = [];
  for (let i = 0; i < TRACES; i++) {
    stream.push(half(i, 'primary'));
    if (i % 2 === 0) shadows.push(i); // even traces pair, odd ones are orphans
    if (stream.length % SKEW === 0) {
      for (const j of shadows.splice(0)) stream.push(half(j, 'shadow'));
    }
  }
  for (const j of shadows) stream.push(half(j, 'shadow'));
  return stream;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function runScheme(
  redis: BenchRedis,
  scheme: OrphanScheme,
  stream: HalfOffer[],
): Promise<SchemeResult> {
  const url = redis.url;
  const admin = new Redis(url);
  const keyPrefix = `bench:${scheme}:${randomUUID()}:`;
  const alignment = createRedisAlignment({
    url,
    keyPrefix,
    scheme,
    swept: { sweepEveryMs: 250 },
    onError: (error) => console.error(`[${scheme}] background error`, error),
  });
  const { store, scheduler } = alignment;
  const dueAt = new Map<string, number>();
  const fireDelays: number[] = [];
  let orphans = 0;
  let gone = 0;
  let firstOrphanAt = 0;
  let lastOrphanAt = 0;

  await scheduler.start(async (traceIds) => {
    const results = await Promise.all(traceIds.map((id) => store.expire(id)));
    const orphaned = traceIds.filter((_, i) => results[i]!.kind === 'orphan');
    gone += traceIds.length - orphaned.length;
    const first = await store.markEmitted(orphaned);
    const now = performance.now();
    const wall = Date.now();
    orphaned.forEach((id, i) => {
      if (!first[i]) return;
      orphans += 1;
      fireDelays.push(wall - (dueAt.get(id) ?? wall));
    });
    if (orphaned.length > 0) {
      firstOrphanAt ||= now;
      lastOrphanAt = now;
    }
  });
  // Warm up connections and scripts outside the measurement.
  await store.markEmitted([`warmup-${randomUUID()}`]);

  const statsBefore = await commandStats(admin);
  const clientBefore = { ...clientCounts };
  const nodeCpuBefore = process.cpuUsage();
  const redisCpuBefore = redis.cpuMs();
  let pairs = 0;
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    for (;;) {
      const from = next;
      next += BATCH;
      if (from >= stream.length) return;
      const now = Date.now();
      const batch = stream
        .slice(from, from + BATCH)
        .map((h) => ({ ...h, deadlineAt: now + WINDOW_MS }));
      const results = await store.offer(batch);
      const arm: { traceId: string; dueAt: number }[] = [];
      const paired: string[] = [];
      results.forEach((result, i) => {
        const offer = batch[i]!;
        if (result.kind === 'waiting' || result.kind === 'duplicate') {
          arm.push({ traceId: offer.traceId, dueAt: offer.deadlineAt });
          if (!dueAt.has(offer.traceId)) dueAt.set(offer.traceId, offer.deadlineAt);
        } else if (result.kind === 'paired') {
          paired.push(offer.traceId);
        }
      });
      await scheduler.schedule(arm);
      const emitted = await store.markEmitted(paired);
      pairs += emitted.filter(Boolean).length;
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  const offerMs = performance.now() - started;

  const expectedOrphans = TRACES - Math.ceil(TRACES / 2);
  const drainDeadline = Date.now() + 120_000;
  // Drained: every orphan verdict out, and nothing left to fire (delayed-job: the paired traces'
  // jobs too, which still cost their fetch + completion).
  for (;;) {
    const left =
      scheme === 'swept'
        ? await admin.zcard(`${keyPrefix}orphans:due`)
        : (await admin.zcard(`${keyPrefix}bull:orphans:delayed`)) +
          (await admin.llen(`${keyPrefix}bull:orphans:wait`)) +
          (await admin.llen(`${keyPrefix}bull:orphans:active`));
    if (orphans >= expectedOrphans && left === 0) break;
    if (Date.now() > drainDeadline) {
      console.error(`[${scheme}] gave up draining: ${orphans} orphans, ${left} left`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const drainMs = performance.now() - started;
  const nodeCpu = process.cpuUsage(nodeCpuBefore);
  const redisCpuAfter = redis.cpuMs();
  const statsAfter = await commandStats(admin);
  const clientCommands = clientCounts.commands - clientBefore.commands;
  const roundTrips = clientCounts.roundTrips - clientBefore.roundTrips;
  await alignment.close();

  // Subtract the drain loop's own polling (admin connection: zcard/llen, plus INFO).
  const delta = statsDelta(statsBefore, statsAfter);
  for (const polled of ['zcard', 'llen', 'info']) delta.delete(polled);
  const serverCommands = [...delta.values()].reduce((a, b) => a + b, 0);
  await admin.quit();
  fireDelays.sort((a, b) => a - b);
  return {
    scheme,
    pairs,
    orphans,
    offerMs,
    pairsPerS: (pairs * 1000) / offerMs,
    halvesPerS: (stream.length * 1000) / offerMs,
    orphanPerS: orphans > 1 ? (orphans * 1000) / Math.max(lastOrphanAt - firstOrphanAt, 1) : 0,
    fireDelayP50: percentile(fireDelays, 50),
    fireDelayP99: percentile(fireDelays, 99),
    drainMs,
    clientCommands,
    roundTrips,
    serverCommands,
    topServer: [...delta].sort((a, b) => b[1] - a[1]).slice(0, 6),
    gone,
    nodeCpuPerK: ((nodeCpu.user + nodeCpu.system) / 1000 / TRACES) * 1000,
    redisCpuPerK:
      redisCpuBefore === null || redisCpuAfter === null
        ? null
        : ((redisCpuAfter - redisCpuBefore) / TRACES) * 1000,
  };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

async function main(): Promise<void> {
  installClientCounter();
  const redis = await benchRedis();
  const stream = halfStream();
  console.log(
    `orphan schemes: ${fmt(TRACES)} traces (${fmt(Math.ceil(TRACES / 2))} pairs, ` +
      `${fmt(Math.floor(TRACES / 2))} orphans), ${fmt(stream.length)} halves of ${fmt(BODY_BYTES)} B, ` +
      `batches of ${BATCH} on ${LANES} lanes, window ${WINDOW_MS} ms; ${redis.source}`,
  );
  const results: SchemeResult[] = [];
  try {
    // Delayed-job first is the baseline; order swapped by BENCH_ORDER=reverse to check for bias.
    const order =
      process.env.BENCH_ORDER === 'reverse' ? [...ORPHAN_SCHEMES] : [...ORPHAN_SCHEMES].reverse();
    for (const scheme of order) results.push(await runScheme(redis, scheme, stream));
  } finally {
    await redis.stop();
  }
  const per = (n: number): string => fmt(n / TRACES, 2);
  for (const r of results) {
    console.log(`\n[${r.scheme}]`);
    console.log(
      `  offer+schedule: ${fmt(r.pairsPerS)} pairs/s (${fmt(r.halvesPerS)} halves/s; ` +
        `${fmt(r.pairs)} pairs in ${fmt(r.offerMs)} ms)` +
        (r.pairsPerS >= TARGET_PAIRS_PER_S ? '  >= 10k target' : '  BELOW the 10k target'),
    );
    console.log(
      `  orphans: ${fmt(r.orphans)} verdicts at ${fmt(r.orphanPerS)}/s; fired p50 ${fmt(r.fireDelayP50)} ms, ` +
        `p99 ${fmt(r.fireDelayP99)} ms after the deadline; all drained ${fmt(r.drainMs)} ms from start`,
    );
    console.log(`  fires that found the trace already paired: ${fmt(r.gone)}`);
    console.log(
      `  per trace: ${per(r.clientCommands)} client commands, ${per(r.roundTrips)} round trips, ` +
        `${per(r.serverCommands)} server commands (incl. inside scripts)`,
    );
    const ceiling = 1000 / Math.max(r.nodeCpuPerK, r.redisCpuPerK ?? 0);
    console.log(
      `  CPU per 1000 traces: ${fmt(r.nodeCpuPerK)} ms worker process, ` +
        `${r.redisCpuPerK === null ? '?' : fmt(r.redisCpuPerK)} ms redis-server -> ` +
        `CPU-bound ceiling ~${fmt(ceiling * 1000)} traces/s with a core each`,
    );
    console.log(
      `  top server commands: ${r.topServer.map(([c, n]) => `${c} ${fmt(n)}`).join(', ')}`,
    );
  }
  const swept = results.find((r) => r.scheme === 'swept');
  const delayed = results.find((r) => r.scheme === 'delayed-job');
  if (swept && delayed) {
    const ratio = (a: number, b: number): string => `${fmt(a / b, 2)}x`;
    console.log('\nswept ÷ delayed-job:');
    console.log(`  pairs/s              ${ratio(swept.pairsPerS, delayed.pairsPerS)}`);
    console.log(`  orphan verdicts/s    ${ratio(swept.orphanPerS, delayed.orphanPerS)}`);
    console.log(`  client commands      ${ratio(swept.clientCommands, delayed.clientCommands)}`);
    console.log(`  round trips          ${ratio(swept.roundTrips, delayed.roundTrips)}`);
    console.log(`  server commands      ${ratio(swept.serverCommands, delayed.serverCommands)}`);
    console.log(`  time to drain        ${ratio(swept.drainMs, delayed.drainMs)}`);
    console.log(`  worker CPU / trace   ${ratio(swept.nodeCpuPerK, delayed.nodeCpuPerK)}`);
    if (swept.redisCpuPerK !== null && delayed.redisCpuPerK !== null) {
      console.log(`  redis CPU / trace    ${ratio(swept.redisCpuPerK, delayed.redisCpuPerK)}`);
    }
    const winner = swept.pairsPerS >= delayed.pairsPerS ? 'swept' : 'delayed-job';
    console.log(`\nfaster pairing: ${winner}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
