/**
 * Vitest global setup for integration tests: resolves a real Kafka broker and a real Redis once per
 * run, in this order:
 *   1. `KAFKA_BROKERS` / `REDIS_URL` from the environment (left running afterwards);
 *   2. the project's own scripts in `infra/local/` (Apache Kafka from Maven Central jars, Debian's
 *      redis-server) — stopped at the end only if this run started them;
 *   3. testcontainers, when a Docker engine answers.
 * The endpoints reach tests through `inject('kafkaBrokers')` / `inject('redisUrl')` (see testkit)
 * and child processes through the environment.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ProvidedContext } from 'vitest';
import type { TestProject } from 'vitest/node';

// Same shape as the augmentation in packages/testkit/src/endpoints.ts, which tests read through.
declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    redisUrl: string;
    kafkaSource: string;
  }
}

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));

type Stop = () => Promise<void>;

async function script(path: string, verb: string): Promise<string> {
  const { stdout } = await run('bash', [`${repo}${path}`, verb], {
    cwd: repo,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 600_000,
  });
  const lines = stdout.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function kafka(): Promise<{ brokers: string; source: string; stop?: Stop }> {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv) return { brokers: fromEnv, source: 'env KAFKA_BROKERS' };
  let localError: unknown;
  try {
    const wasRunning = await run('bash', [`${repo}infra/local/kafka.sh`, 'status'], { cwd: repo })
      .then(() => true)
      .catch(() => false);
    const brokers = await script('infra/local/kafka.sh', 'start');
    const stop = wasRunning
      ? undefined
      : async () => {
          await script('infra/local/kafka.sh', 'stop');
        };
    return { brokers, source: 'infra/local/kafka.sh', ...(stop ? { stop } : {}) };
  } catch (error) {
    localError = error;
  }
  if (await dockerAnswers()) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
    return {
      brokers: `${container.getHost()}:${container.getMappedPort(9093)}`,
      source: 'testcontainers',
      stop: async () => {
        await container.stop();
      },
    };
  }
  throw new Error(
    `No Kafka for integration tests: KAFKA_BROKERS is unset, infra/local/kafka.sh failed (${String(
      (localError as { stderr?: string })?.stderr ?? localError,
    ).trim()}) and no Docker engine answers.`,
  );
}

async function redis(): Promise<{ url: string; source: string; stop?: Stop }> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, source: 'env REDIS_URL' };
  try {
    const url = await script('infra/local/redis.sh', 'ensure');
    // `stop` only stops a redis-server the script itself started (none when 6379 answered).
    return {
      url,
      source: 'infra/local/redis.sh',
      stop: async () => {
        await script('infra/local/redis.sh', 'stop');
      },
    };
  } catch (localError) {
    if (await dockerAnswers()) {
      const { RedisContainer } = await import('@testcontainers/redis');
      const container = await new RedisContainer('redis:7').start();
      return {
        url: container.getConnectionUrl(),
        source: 'testcontainers',
        stop: async () => {
          await container.stop();
        },
      };
    }
    throw new Error(
      `No Redis for integration tests: ${String((localError as { stderr?: string })?.stderr ?? localError).trim()}`,
    );
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const [k, r] = await Promise.all([kafka(), redis()]);
  process.stderr.write(
    `[infra] kafka ${k.brokers} (${k.source}), redis ${r.url} (${r.source}) in ${Date.now() - started} ms\n`,
  );
  const provided: ProvidedContext = {
    kafkaBrokers: k.brokers,
    kafkaSource: k.source,
    redisUrl: r.url,
  };
  project.provide('kafkaBrokers', provided.kafkaBrokers);
  project.provide('kafkaSource', provided.kafkaSource);
  project.provide('redisUrl', provided.redisUrl);
  process.env.KAFKA_BROKERS = k.brokers;
  process.env.REDIS_URL = r.url;
  return async () => {
    await Promise.all([k.stop?.(), r.stop?.()]);
  };
}
