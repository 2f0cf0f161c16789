import { redisUrl, sampleStoreContract, scopedRedis } from '@shadowdiff/testkit';
import { Redis } from 'ioredis';
import { RedisSampleStore } from './sample-store.js';

sampleStoreContract('redis', async (settings) => {
  const scope = await scopedRedis('samples');
  const clients: Redis[] = [];
  return {
    connect() {
      const client = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
      clients.push(client);
      return new RedisSampleStore({
        client,
        keyPrefix: scope.prefix,
        examplesPerKey: settings.examplesPerKey,
      });
    },
    async close() {
      for (const c of clients) c.disconnect();
      await scope.cleanup();
    },
  };
});
