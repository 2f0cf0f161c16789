import { z } from 'zod';

export const redisConfigSchema = z
  .object({
    /** Default: `$REDIS_URL` or redis://127.0.0.1:6379. */
    url: z.string().default('redis://127.0.0.1:6379'),
    /** Every key shadowdiff writes starts with this, so several deployments can share a Redis. */
    keyPrefix: z.string().default('shadowdiff:'),
  })
  .strict();

export type RedisConfig = z.infer<typeof redisConfigSchema>;
