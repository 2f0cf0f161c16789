import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { kafkaSecurity, redisConnection } from '@shadowdiff/connect';
import { validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfigInput } from '@shadowdiff/contracts';
import type { HalfOffer, SourceMessage as ConsumedMessage } from '@shadowdiff/engine';
import { KafkaRecordSource, createThreadedKafkaPublisher } from '@shadowdiff/kafka';
import { createRedisAlignment } from '@shadowdiff/redis';
import { uniqueName, waitFor } from '@shadowdiff/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Production connectivity against real servers this machine runs: a Kafka broker with SASL_SSL
// (SCRAM-SHA-512 and PLAIN) and SSL listeners, and a redis-server with TLS only and an ACL user,
// both started by infra/local/secure.sh with certificates it makes with openssl. Every client is
// built from a config file's keys, as the services build theirs.

const script = fileURLToPath(new URL('../../infra/local/secure.sh', import.meta.url));
const run = promisify(execFile);

async function start(verb: string): Promise<Record<string, string>> {
  const { stdout } = await run('bash', [script, verb], { timeout: 170_000 });
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

let kafka: Record<string, string>;
let redis: Record<string, string>;
beforeAll(async () => {
  [kafka, redis] = await Promise.all([start('kafka-start'), start('redis-start')]);
}, 180_000);
afterAll(async () => {
  await Promise.all([
    run('bash', [script, 'kafka-stop'], { timeout: 60_000 }),
    run('bash', [script, 'redis-stop'], { timeout: 30_000 }),
  ]);
}, 90_000);

const configOf = (input: ShadowdiffConfigInput) => validateConfig(input);
const secret = (file: string) => readFileSync(file, 'utf8').trim();

async function consume(
  brokers: string[],
  security: ReturnType<typeof kafkaSecurity>,
  topic: string,
  count: number,
): Promise<ConsumedMessage[]> {
  const seen: ConsumedMessage[] = [];
  const source = new KafkaRecordSource({
    brokers,
    security,
    groupId: uniqueName('secure-group'),
    topics: [topic],
  });
  await source.run((batch) => {
    seen.push(...batch);
    return Promise.resolve();
  });
  try {
    await waitFor(`${count} messages on ${topic}`, () => seen.length >= count, 60_000);
  } finally {
    await source.stop();
  }
  return seen;
}

describe('Kafka over TLS and SASL, from the config file', () => {
  it('the tap publisher (own thread) authenticates with SCRAM-SHA-512 over TLS; PLAIN and TLS-only consumers read it back', async () => {
    const scram = configOf({
      kafka: {
        brokers: [kafka.KAFKA_SASL_SSL!],
        ssl: { caFile: kafka.CA_FILE! },
        sasl: {
          mechanism: 'scram-sha-512',
          username: kafka.SCRAM_USER!,
          passwordFile: kafka.SCRAM_PASSWORD_FILE!,
        },
      },
    }).kafka;
    const topic = uniqueName('secure-taps');
    const publisher = createThreadedKafkaPublisher({
      brokers: scram.brokers,
      clientId: 'secure-test-tap',
      security: kafkaSecurity(scram),
    });
    try {
      await publisher.ready();
      await publisher.publish(
        Array.from({ length: 10 }, (_, i) => ({
          topic,
          key: `trace-${i}`,
          value: Buffer.from(`record-${i}`),
        })),
      );
    } finally {
      await publisher.close();
    }

    // PLAIN (MSK-style) with the password from an environment variable.
    process.env.SECURE_TEST_PLAIN_PW = secret(kafka.PLAIN_PASSWORD_FILE!);
    const plain = configOf({
      kafka: {
        brokers: [kafka.KAFKA_SASL_SSL!],
        ssl: { caFile: kafka.CA_FILE! },
        sasl: {
          mechanism: 'plain',
          username: kafka.PLAIN_USER!,
          passwordEnv: 'SECURE_TEST_PLAIN_PW',
        },
      },
    }).kafka;
    const viaPlain = await consume(plain.brokers, kafkaSecurity(plain), topic, 10);
    expect(viaPlain.map((m) => Buffer.from(m.value!).toString()).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `record-${i}`).sort(),
    );

    const tlsOnly = configOf({
      kafka: { brokers: [kafka.KAFKA_SSL!], ssl: { caFile: kafka.CA_FILE! } },
    }).kafka;
    const viaTls = await consume(tlsOnly.brokers, kafkaSecurity(tlsOnly), topic, 10);
    expect(new Set(viaTls.map((m) => m.key))).toEqual(
      new Set(Array.from({ length: 10 }, (_, i) => `trace-${i}`)),
    );
  });

  it('a wrong password or an untrusted certificate never connects, and the error carries no secret', async () => {
    const wrong = 'not-the-password-' + uniqueName('pw');
    process.env.SECURE_TEST_WRONG_PW = wrong;
    const cases = [
      configOf({
        kafka: {
          brokers: [kafka.KAFKA_SASL_SSL!],
          ssl: { caFile: kafka.CA_FILE! },
          sasl: {
            mechanism: 'scram-sha-512',
            username: kafka.SCRAM_USER!,
            passwordEnv: 'SECURE_TEST_WRONG_PW',
          },
        },
      }).kafka,
      // System CAs do not know the test CA.
      configOf({ kafka: { brokers: [kafka.KAFKA_SSL!], ssl: true } }).kafka,
    ];
    for (const config of cases) {
      const publisher = createThreadedKafkaPublisher({
        brokers: config.brokers,
        clientId: 'secure-test-refused',
        security: kafkaSecurity(config),
        reconnectInitialMs: 100,
        reconnectMaxMs: 500,
      });
      try {
        await waitFor('a connection error', () => publisher.lastError !== undefined, 30_000);
        expect(publisher.state).not.toBe('connected');
        expect(publisher.lastError).not.toContain(wrong);
      } finally {
        await publisher.close();
      }
    }
  });
});

describe('Redis over TLS with an ACL user, from the config file', () => {
  const half = (traceId: string, role: 'primary' | 'shadow', deadlineAt: number): HalfOffer => ({
    traceId,
    role,
    half: new TextEncoder().encode(`${role}:${traceId}`),
    expected: ['primary', 'shadow'],
    deadlineAt,
  });

  it('the worker alignment (store and BullMQ scheduler) pairs halves and times out orphans', async () => {
    const config = configOf({
      redis: {
        url: redis.REDIS_TLS_URL!,
        keyPrefix: `${uniqueName('secure')}:`,
        tls: { caFile: redis.CA_FILE! },
        auth: { username: redis.REDIS_USER!, passwordFile: redis.REDIS_PASSWORD_FILE! },
      },
    }).redis;
    const alignment = createRedisAlignment({
      url: config.url,
      connection: redisConnection(config),
      keyPrefix: config.keyPrefix,
      swept: { sweepEveryMs: 100 },
    });
    try {
      const orphans: string[] = [];
      await alignment.scheduler.start(async (ids) => {
        const results = await Promise.all(ids.map((id) => alignment.store.expire(id)));
        ids.forEach((id, i) => {
          if (results[i]!.kind === 'orphan') orphans.push(id);
        });
      });
      const soon = Date.now() + 300;
      const pair = uniqueName('pair');
      const lonely = uniqueName('lonely');
      const results = await alignment.store.offer([
        half(pair, 'primary', soon),
        half(pair, 'shadow', soon),
        half(lonely, 'primary', soon),
      ]);
      expect(results.map((r) => r.kind)).toEqual(['waiting', 'paired', 'waiting']);
      await alignment.scheduler.schedule([{ traceId: lonely, dueAt: soon }]);
      await waitFor('the orphan timeout over TLS', () => orphans.includes(lonely), 20_000);
    } finally {
      await alignment.close();
    }
  });

  it('without the ACL password, or without TLS, Redis refuses', async () => {
    const noAuth = new Redis(redis.REDIS_TLS_URL!, {
      ...redisConnection(
        configOf({ redis: { url: redis.REDIS_TLS_URL!, tls: { caFile: redis.CA_FILE! } } }).redis,
      ),
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    noAuth.on('error', () => {});
    await expect(noAuth.ping()).rejects.toThrow(/NOAUTH|WRONGPASS|NOPERM/);
    noAuth.disconnect();

    const plaintext = new Redis(redis.REDIS_TLS_URL!.replace('rediss://', 'redis://'), {
      username: redis.REDIS_USER!,
      password: secret(redis.REDIS_PASSWORD_FILE!),
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 2_000,
    });
    plaintext.on('error', () => {});
    await expect(plaintext.ping()).rejects.toThrow();
    plaintext.disconnect();
  });
});
