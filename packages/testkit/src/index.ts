export { kafkaBrokers, redisUrl, kafkaSource } from './endpoints.js';
export { uniqueName } from './names.js';
export { createTopic, readAll } from './kafka.js';
export type { ReadMessage } from './kafka.js';
export { scopedRedis } from './redis.js';
export type { ScopedRedis } from './redis.js';
