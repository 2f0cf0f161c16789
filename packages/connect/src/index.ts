export { kafkaSecurity, describeKafkaSecurity } from './kafka-security.js';
export type { KafkaSecurity } from './kafka-security.js';
export { redisConnection, redactUrl } from './redis-connection.js';
export type { RedisConnection } from './redis-connection.js';
export { resolvePassword, resolveTls, processEnv } from './secrets.js';
export type { ConnectEnv, TlsOptions } from './secrets.js';
