import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ShadowdiffError } from '@shadowdiff/contracts';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { redactUrl } from '@shadowdiff/connect';

const run = promisify(execFile);

/** infra/local in a source checkout (absent in an installed package: then we never start anything). */
const LOCAL_INFRA = fileURLToPath(new URL('../../../../infra/local/', import.meta.url));

/** A quiet admin client for `up`'s topic and group set-up. */
function upAdmin(brokers: string[]): Admin {
  return new Kafka({ brokers, clientId: 'shadowdiff-up', logLevel: logLevel.NOTHING }).admin();
}

async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({
    brokers,
    clientId: 'shadowdiff-up-probe',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    retry: { retries: 1 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function localScript(name: string, verb: string): Promise<string> {
  const { stdout } = await run('bash', [`${LOCAL_INFRA}${name}`, verb], {
    timeout: 600_000,
    maxBuffer: 16 << 20,
  });
  return stdout.trim().split('\n').pop() ?? '';
}

export interface ResolvedInfra {
  brokers: string[];
  redisUrl: string;
  /** Whether this call started Redis (then `stop` stops it, and its data goes with it). */
  startedRedis: boolean;
  /** Stops what this call started (nothing when the services were already up). */
  stop(): Promise<void>;
}

/**
 * Uses the configured Kafka and Redis when they answer; otherwise, in a source checkout, starts
 * them with infra/local (Apache Kafka from Maven Central jars, Debian's redis-server).
 */
export async function resolveInfra(
  brokers: string[],
  redisUrl: string,
  log: (line: string) => void,
): Promise<ResolvedInfra> {
  const stops: (() => Promise<unknown>)[] = [];
  let kafka = brokers;
  if (!(await kafkaAnswers(brokers))) {
    if (!existsSync(`${LOCAL_INFRA}kafka.sh`)) {
      throw new ShadowdiffError(
        'ERR_TRANSPORT',
        `no Kafka answers at ${brokers.join(',')} — set KAFKA_BROKERS or kafka.brokers to a running broker`,
      );
    }
    log(
      `no Kafka at ${brokers.join(',')}; starting one with infra/local/kafka.sh (first run downloads the jars)`,
    );
    kafka = [await localScript('kafka.sh', 'start')];
    stops.push(() => localScript('kafka.sh', 'stop'));
  }
  let redis = redisUrl;
  if (!(await redisAnswers(redisUrl))) {
    if (!existsSync(`${LOCAL_INFRA}redis.sh`)) {
      throw new ShadowdiffError(
        'ERR_STORE',
        `no Redis answers at ${redactUrl(redisUrl)} — set REDIS_URL or redis.url to a running Redis`,
      );
    }
    log(`no Redis at ${redactUrl(redisUrl)}; starting one with infra/local/redis.sh`);
    redis = await localScript('redis.sh', 'ensure');
    stops.push(() => localScript('redis.sh', 'stop'));
  }
  return {
    brokers: kafka,
    redisUrl: redis,
    startedRedis: redis !== redisUrl,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

export async function createTopics(
  brokers: string[],
  topics: string[],
  partitions: number,
): Promise<void> {
  const admin = upAdmin(brokers);
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until a consumer group is Stable with `members` members, so traffic driven afterwards is
 * consumed at once instead of waiting out the rebalance that each joining member triggers.
 */
export async function waitForGroup(
  brokers: string[],
  groupId: string,
  members: number,
  timeoutMs = 90_000,
): Promise<void> {
  const admin = upAdmin(brokers);
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let last = 'unknown';
    while (Date.now() < deadline) {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      last = `${group?.state ?? 'absent'} with ${group?.members.length ?? 0} members`;
      if (group?.state === 'Stable' && group.members.length === members) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new ShadowdiffError(
      'ERR_TRANSPORT',
      `consumer group ${groupId} not stable with ${members} members after ${timeoutMs / 1000}s (last: ${last})`,
    );
  } finally {
    await admin.disconnect();
  }
}
