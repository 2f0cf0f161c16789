import type { OrphanScheduler } from '@shadowdiff/engine';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { BullmqDelayedJobScheduler } from './bullmq-delayed-job-scheduler.js';
import type { BullmqDelayedJobSchedulerOptions } from './bullmq-delayed-job-scheduler.js';
import { BullmqSweptScheduler } from './bullmq-swept-scheduler.js';
import type { BullmqSweptSchedulerOptions } from './bullmq-swept-scheduler.js';
import { DEFAULT_KEY_PREFIX, keys } from './keys.js';
import { RedisPendingStore } from './redis-pending-store.js';
import type { RedisPendingStoreOptions } from './redis-pending-store.js';

/** The two orphan-timeout schemes; `swept` is the default, chosen by `bench/orphans`. */
export const ORPHAN_SCHEMES = ['swept', 'delayed-job'] as const;
export type OrphanScheme = (typeof ORPHAN_SCHEMES)[number];

export interface RedisAlignmentOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (the config's `redis.url`). */
  url: string;
  /**
   * TLS and ACL credentials over the URL's own (`@shadowdiff/connect`'s
   * `redisConnection(config.redis)`). Default: what the URL says.
   */
  connection?: Pick<RedisOptions, 'tls' | 'username' | 'password'>;
  /** Every key starts with this. Default `shadowdiff:` (the config's `redis.keyPrefix`). */
  keyPrefix?: string;
  /** Orphan timeout scheme. Default `swept` (see the README for the benchmark behind it). */
  scheme?: OrphanScheme;
  /** Pending store tuning (margin, decided TTL, batch size, clock). Defaults as documented there. */
  store?: Omit<RedisPendingStoreOptions, 'redis' | 'keyPrefix' | 'deadlineIndexKey'>;
  /** Swept scheduler tuning, when `scheme` is `swept`. */
  swept?: Omit<
    BullmqSweptSchedulerOptions,
    'connection' | 'keyPrefix' | 'indexedByStore' | 'onError'
  >;
  /** Delayed-job scheduler tuning, when `scheme` is `delayed-job`. */
  delayedJob?: Omit<BullmqDelayedJobSchedulerOptions, 'connection' | 'keyPrefix' | 'onError'>;
  /** Connection, queue and sweep errors (all retried); default: none. */
  onError?: (error: unknown) => void;
}

export interface RedisAlignment {
  store: RedisPendingStore;
  scheduler: OrphanScheduler;
  scheme: OrphanScheme;
  /** Stops the scheduler and closes both connections. */
  close(): Promise<void>;
}

/**
 * Wires the Redis pending store and an orphan scheduler on two connections: a fail-fast one for
 * the store (calls reject with a retriable `ERR_STORE` while Redis is away, so the worker backs off
 * instead of hanging) and a BullMQ one that waits out reconnections. With `swept`, the store's offer
 * script writes the deadline index itself and `scheduler.schedule` is free.
 */
export function createRedisAlignment(options: RedisAlignmentOptions): RedisAlignment {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const scheme = options.scheme ?? 'swept';
  const storeConnection = new Redis(options.url, {
    ...options.connection,
    maxRetriesPerRequest: 2,
  });
  const queueConnection = new Redis(options.url, {
    ...options.connection,
    maxRetriesPerRequest: null,
  });
  for (const connection of [storeConnection, queueConnection]) {
    connection.on('error', (error) => options.onError?.(error));
  }
  const indexKey = options.swept?.indexKey ?? keys.deadlines(keyPrefix);
  const store = new RedisPendingStore({
    ...options.store,
    redis: storeConnection,
    keyPrefix,
    deadlineIndexKey: scheme === 'swept' ? indexKey : null,
  });
  const scheduler =
    scheme === 'swept'
      ? new BullmqSweptScheduler({
          ...options.swept,
          connection: queueConnection,
          keyPrefix,
          indexKey,
          indexedByStore: true,
          ...(options.onError ? { onError: options.onError } : {}),
        })
      : new BullmqDelayedJobScheduler({
          ...options.delayedJob,
          connection: queueConnection,
          keyPrefix,
          ...(options.onError ? { onError: options.onError } : {}),
        });
  return {
    store,
    scheduler,
    scheme,
    async close() {
      await scheduler.close();
      await Promise.allSettled([storeConnection.quit(), queueConnection.quit()]);
    },
  };
}
