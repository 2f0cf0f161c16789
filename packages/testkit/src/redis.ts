import { Redis } from 'ioredis';
import { redisUrl } from './endpoints.js';
import { uniqueName } from './names.js';
import { deleteKeysByPrefix, dropKeysAt } from './redis-keys.js';

export interface ScopedRedis {
  /** Client on the shared test Redis. Never FLUSHALL: other tests and runs share the server. */
  client: Redis;
  /** Unique key prefix for this test, ending in ':'. */
  prefix: string;
  /** Deletes every key under the prefix, then disconnects. */
  cleanup(): Promise<void>;
}

export async function scopedRedis(label = 'test'): Promise<ScopedRedis> {
  const client = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const prefix = `${uniqueName(`sdtest:${label}`)}:`;
  return {
    client,
    prefix,
    async cleanup() {
      await deleteKeysByPrefix(client, prefix);
      client.disconnect();
    },
  };
}

/** Deletes every key under a test's prefix on the test Redis (never FLUSHALL: it is shared). */
export function dropKeys(prefix: string, url = redisUrl()): Promise<void> {
  return dropKeysAt(url, prefix);
}
