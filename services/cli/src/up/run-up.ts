import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Meter } from '@opentelemetry/api';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { createFleetStores, startConsole } from '@shadowdiff/console';
import { createKafkaPublisher } from '@shadowdiff/kafka';
import { demoConfig, runScenario } from '../demo/scenario.js';
import type { ScenarioRun } from '../demo/scenario.js';
import { writeFollowUp } from './follow-up.js';
import type { FollowUp } from './follow-up.js';
import { createTopics, resolveInfra, waitForGroup } from './infra.js';
import { startWorkerProcesses } from './worker-processes.js';

export interface UpOptions {
  config: ShadowdiffConfig;
  meter: Meter;
  /** Worker processes. Default 2. */
  workers?: number;
  requests?: number;
  concurrency?: number;
  /** First worker's Prometheus port; worker i gets base + i. 0 turns their endpoints off. */
  metricsPortBase?: number;
  log: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface UpRun extends ScenarioRun {
  service: string;
  runId: string;
  brokers: string[];
  redisUrl: string;
  workerMetrics: string[];
  /** The console over this run's keys in Redis (`console.listen`). */
  consoleUrl: string;
  /** How to read this run again afterwards: a config file and the report/gate/console commands. */
  followUp: FollowUp;
}

/**
 * Fleet mode: the same scenario as the demo, on real Kafka and Redis with several `shadowdiff
 * worker` processes in one consumer group. Each run gets its own topics, group and key prefix so
 * runs never read each other's records.
 */
export async function runUp(options: UpOptions): Promise<UpRun> {
  const say = (line: string) => options.log.write(`shadowdiff up: ${line}\n`);
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) await fn();
  };
  try {
    const infra = await resolveInfra(options.config.kafka.brokers, options.config.redis.url, say);
    closers.push(() => infra.stop());
    const runId = randomBytes(4).toString('hex');
    const topics = {
      taps: `shadowdiff.up-${runId}.taps`,
      verdicts: `shadowdiff.up-${runId}.verdicts`,
      dlq: `shadowdiff.up-${runId}.dlq`,
    };
    const keyPrefix = `${options.config.redis.keyPrefix}up:${runId}:`;
    const config = demoConfig(options.config, {
      kafka: { brokers: infra.brokers, topics },
      redis: { url: infra.redisUrl, keyPrefix },
      worker: { groupId: `shadowdiff-up-${runId}` },
    });
    const count = options.workers ?? 2;
    await createTopics(infra.brokers, Object.values(topics), Math.max(6, count));
    say(
      `run ${runId}: Kafka ${infra.brokers.join(',')}, Redis ${infra.redisUrl}, ${count} worker processes`,
    );

    const dir = mkdtempSync(`${tmpdir()}/shadowdiff-up-`);
    closers.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const base = options.metricsPortBase ?? 9465;
    const fleet = await startWorkerProcesses({
      count,
      dir,
      log: say,
      configFor: (i) => ({
        service: config.service,
        kafka: { brokers: config.kafka.brokers, topics },
        redis: { url: config.redis.url, keyPrefix },
        worker: { groupId: config.worker.groupId, windowMs: config.worker.windowMs },
        telemetry: { prometheus: { enabled: base > 0, port: base + i } },
      }),
    });
    closers.push(() => fleet.stop());
    await waitForGroup(config.kafka.brokers, config.worker.groupId, count);
    say(`consumer group ${config.worker.groupId} is stable with ${count} members`);

    const publisher = createKafkaPublisher({
      brokers: config.kafka.brokers,
      clientId: 'shadowdiff-up-tap',
    });
    closers.push(() => publisher.close());
    // The console's stores: the workers' keys in Redis (statistics, examples, learned noise).
    const stores = createFleetStores(config, say);
    closers.push(() => stores.close());
    const samples = stores.samples;
    const consoleHandle = await startConsole({
      config,
      samples,
      ...(stores.noise ? { noise: stores.noise } : {}),
      log: say,
    });
    closers.push(() => consoleHandle.close());

    // Stats are kept per minute: ask only for the minutes this run can have written.
    const since = Date.now() - 60_000;
    const verdicts = async () => {
      const routes = await samples.routes();
      const stats = await Promise.all(
        routes.map((r) =>
          samples.stats({
            service: r.service,
            route: r.route,
            from: since,
            to: Date.now() + 60_000,
          }),
        ),
      );
      return stats.reduce(
        (sum, s) => sum + s.outcomes.match + s.outcomes.diff + s.outcomes.orphan + s.outcomes.error,
        0,
      );
    };
    const run = await runScenario({
      config,
      publisher,
      samples,
      verdicts,
      meter: options.meter,
      requests: options.requests ?? 2_000,
      concurrency: options.concurrency ?? 16,
      log: options.log,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    closers.push(() => run.close());
    return {
      ...run,
      service: config.service,
      runId,
      brokers: infra.brokers,
      redisUrl: infra.redisUrl,
      workerMetrics:
        base > 0 ? fleet.workers.map((w) => `http://127.0.0.1:${base + w.index}/metrics`) : [],
      consoleUrl: consoleHandle.url,
      followUp: writeFollowUp({
        runId,
        service: config.service,
        redisUrl: infra.redisUrl,
        keyPrefix,
        startedRedis: infra.startedRedis,
      }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
