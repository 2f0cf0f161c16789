import { Redis } from 'ioredis';
import { redisUrl } from './endpoints.js';
import { uniqueName } from './names.js';

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
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== '0');
      client.disconnect();
    },
  };
}
