import { ConfigError, validateConfig } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { describeKafkaSecurity, kafkaSecurity } from './kafka-security.js';
import { redactUrl, redisConnection } from './redis-connection.js';
import type { ConnectEnv } from './secrets.js';

const files: Record<string, string> = {
  '/run/ca.pem': 'CA-PEM',
  '/run/pw': 'file-secret\n',
  '/run/empty': '\n',
};
const io = (env: Record<string, string> = {}): ConnectEnv => ({
  env,
  readFile: (path) => {
    const v = files[path];
    if (v === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return v;
  },
});

const config = (input: unknown) => validateConfig(input);

describe('kafka security from the config file', () => {
  it('plaintext when nothing is set', () => {
    expect(kafkaSecurity(config({}).kafka, io())).toEqual({});
    expect(describeKafkaSecurity(config({}).kafka)).toBe('plaintext');
  });

  it('SCRAM over TLS with the password from an env variable and the CA from a file', () => {
    const kafka = config({
      kafka: {
        ssl: { caFile: '/run/ca.pem' },
        sasl: { mechanism: 'scram-sha-512', username: 'alice', passwordEnv: 'KAFKA_PW' },
      },
    }).kafka;
    expect(kafkaSecurity(kafka, io({ KAFKA_PW: 'env-secret' }))).toEqual({
      ssl: { ca: 'CA-PEM', rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'env-secret' },
    });
    expect(describeKafkaSecurity(kafka)).toBe('TLS, SASL SCRAM-SHA-512 as alice');
  });

  it('PLAIN with the password from a file, trailing newline dropped', () => {
    const kafka = config({
      kafka: { ssl: true, sasl: { mechanism: 'plain', username: 'u', passwordFile: '/run/pw' } },
    }).kafka;
    expect(kafkaSecurity(kafka, io()).sasl).toEqual({
      mechanism: 'plain',
      username: 'u',
      password: 'file-secret',
    });
  });

  it('a missing variable, file or empty secret fails naming the key, never the value', () => {
    const unset = config({
      kafka: { sasl: { mechanism: 'plain', username: 'u', passwordEnv: 'NOT_SET' } },
    }).kafka;
    expect(() => kafkaSecurity(unset, io())).toThrow(
      /kafka\.sasl\.passwordEnv: \$NOT_SET is not set/,
    );
    const missing = config({ kafka: { ssl: { caFile: '/run/missing.pem' } } }).kafka;
    expect(() => kafkaSecurity(missing, io())).toThrow(ConfigError);
    expect(() => kafkaSecurity(missing, io())).toThrow(
      /kafka\.ssl\.caFile: cannot read \/run\/missing\.pem \(ENOENT\)/,
    );
    const empty = config({
      kafka: { sasl: { mechanism: 'plain', username: 'u', passwordFile: '/run/empty' } },
    }).kafka;
    expect(() => kafkaSecurity(empty, io())).toThrow(/kafka\.sasl\.passwordFile: .* is empty/);
  });

  it('the schema refuses a SASL block without a password source, or with two', () => {
    expect(() => config({ kafka: { sasl: { mechanism: 'plain', username: 'u' } } })).toThrow(
      /kafka\.sasl: SASL needs a password: set passwordEnv/,
    );
    expect(() =>
      config({
        kafka: {
          sasl: { mechanism: 'plain', username: 'u', passwordEnv: 'A', passwordFile: '/b' },
        },
      }),
    ).toThrow(/not both/);
    expect(() => config({ kafka: { sasl: { mechanism: 'md5', username: 'u' } } })).toThrow(
      /kafka\.sasl\.mechanism/,
    );
    expect(() => config({ kafka: { ssl: { certFile: '/c.pem' } } })).toThrow(/go together/);
  });
});

describe('redis connection from the config file', () => {
  it('rediss:// means TLS with the system CAs; redis.tls files and auth override', () => {
    expect(redisConnection(config({ redis: { url: 'rediss://h:6380' } }).redis, io())).toEqual({
      tls: { rejectUnauthorized: true },
    });
    expect(redisConnection(config({ redis: { url: 'redis://h:6379' } }).redis, io())).toEqual({});
    const redis = config({
      redis: {
        url: 'redis://h:6380',
        tls: { caFile: '/run/ca.pem', servername: 'redis.internal' },
        auth: { username: 'worker', passwordFile: '/run/pw' },
      },
    }).redis;
    expect(redisConnection(redis, io())).toEqual({
      tls: { ca: 'CA-PEM', servername: 'redis.internal', rejectUnauthorized: true },
      username: 'worker',
      password: 'file-secret',
    });
  });

  it('URLs in logs lose their password', () => {
    expect(redactUrl('redis://worker:s3cret@h:6379/0')).toBe('redis://worker:***@h:6379/0');
    expect(redactUrl('rediss://:s3cret@h:6380')).toBe('rediss://:***@h:6380');
    expect(redactUrl('redis://h:6379')).toBe('redis://h:6379');
    expect(redactUrl('redis://user@h')).toBe('redis://user@h');
  });
});
