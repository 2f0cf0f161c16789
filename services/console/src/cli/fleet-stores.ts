import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { NoiseCatalog, compileRules } from '@shadowdiff/engine';
import type { SampleStore } from '@shadowdiff/engine';
import { RedisNoiseStore, RedisSampleStore, readWorkerFacts } from '@shadowdiff/redis';
import type { WorkerFacts } from '@shadowdiff/redis';
import { Redis } from 'ioredis';
import { catalogNoise } from '../noise/catalog-noise.js';
import type { ConsoleNoise } from '../noise/console-noise.js';
import { redactUrl, redisConnection } from '@shadowdiff/connect';

export interface FleetStores {
  samples: SampleStore;
  noise?: ConsoleNoise;
  /** What the service's worker groups reported at start-up (window, roles), newest first. */
  workerFacts?(service: string): Promise<WorkerFacts[]>;
  close(): Promise<void>;
}

/**
 * The stores the `console`, `report` and `gate` verbs read: the fleet's Redis (`redis.url`,
 * `redis.keyPrefix`), the same keys the workers write — statistics and examples, learned noise.
 */
export function createFleetStores(
  config: ShadowdiffConfig,
  log: (line: string) => void,
): FleetStores {
  // Fail fast while Redis is away: a page or a gate should say so, not hang.
  const client = new Redis(config.redis.url, {
    ...redisConnection(config.redis),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
  });
  let reported = false;
  client.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    log(`redis ${redactUrl(config.redis.url)}: ${error.message}`);
  });
  client.on('ready', () => {
    reported = false;
  });
  return {
    samples: new RedisSampleStore({ client, keyPrefix: config.redis.keyPrefix }),
    // Learned noise and decisions: the catalog the workers judge with and `shadowdiff noise` lists.
    noise: catalogNoise(
      new NoiseCatalog({
        store: new RedisNoiseStore({ client, keyPrefix: config.redis.keyPrefix }),
        config: config.noise,
        rules: compileRules(config.rules),
      }),
    ),
    workerFacts: (service) => readWorkerFacts(client, config.redis.keyPrefix, service),
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
