export {};
export { RedisSampleStore } from './sample-store.js';
export type { RedisSampleStoreOptions } from './sample-store.js';
export { RedisPendingStore } from './redis-pending-store.js';
export type { RedisPendingStoreOptions } from './redis-pending-store.js';
export { BullmqDelayedJobScheduler, jobIdOf } from './bullmq-delayed-job-scheduler.js';
export type { BullmqDelayedJobSchedulerOptions } from './bullmq-delayed-job-scheduler.js';
export { BullmqSweptScheduler } from './bullmq-swept-scheduler.js';
export type { BullmqSweptSchedulerOptions } from './bullmq-swept-scheduler.js';
export { createRedisAlignment, ORPHAN_SCHEMES } from './create-redis-alignment.js';
export type {
  RedisAlignment,
  RedisAlignmentOptions,
  OrphanScheme,
} from './create-redis-alignment.js';
export { StoreError } from './store-error.js';
export { keys as redisKeys, DEFAULT_KEY_PREFIX } from './keys.js';
export { RedisNoiseStore } from './noise-store.js';
export type { RedisNoiseStoreOptions } from './noise-store.js';
export { readWorkerFacts, writeWorkerFacts } from './worker-facts.js';
export type { WorkerFacts } from './worker-facts.js';
