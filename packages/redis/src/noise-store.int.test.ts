import { noiseStoreContract, redisUrl, scopedRedis } from '@shadowdiff/testkit';
import { Redis } from 'ioredis';
import { RedisNoiseStore } from './noise-store.js';

noiseStoreContract('redis', async () => {
  const scope = await scopedRedis('noise');
  const clients: Redis[] = [];
  return {
    connect() {
      const client = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
      clients.push(client);
      return new RedisNoiseStore({ client, keyPrefix: scope.prefix });
    },
    async close() {
      for (const c of clients) c.disconnect();
      await scope.cleanup();
    },
  };
});
