import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import type { SampleStore } from '@shadowdiff/engine';
import { RedisSampleStore } from '@shadowdiff/redis';
import { Redis } from 'ioredis';
import type { ConsoleNoise } from '../noise/console-noise.js';

export interface FleetStores {
  samples: SampleStore;
  noise?: ConsoleNoise;
  close(): Promise<void>;
}

/**
 * The stores the `console`, `report` and `gate` verbs read: the fleet's Redis (`redis.url`,
 * `redis.keyPrefix`), the same keys the workers write.
 */
export function createFleetStores(
  config: ShadowdiffConfig,
  log: (line: string) => void,
): FleetStores {
  // Fail fast while Redis is away: a page or a gate should say so, not hang.
  const client = new Redis(config.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
  let reported = false;
  client.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    log(`redis ${config.redis.url}: ${error.message}`);
  });
  client.on('ready', () => {
    reported = false;
  });
  return {
    samples: new RedisSampleStore({ client, keyPrefix: config.redis.keyPrefix }),
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
