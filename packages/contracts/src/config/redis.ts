import { z } from 'zod';
import { redisAuthSchema, tlsConfigSchema } from './connection.js';

export const redisConfigSchema = z
  .object({
    /** Default: `$REDIS_URL` or redis://127.0.0.1:6379. `rediss://` turns TLS on. */
    url: z.string().default('redis://127.0.0.1:6379'),
    /** TLS (`true`, or CA / client certificate files); `rediss://` alone means `true`. */
    tls: tlsConfigSchema.optional(),
    /** ACL user and password (from an env variable or a file), instead of a password in the URL. */
    auth: redisAuthSchema.optional(),
    /** Every key shadowdiff writes starts with this, so several deployments can share a Redis. */
    keyPrefix: z.string().default('shadowdiff:'),
  })
  .strict();

export type RedisConfig = z.infer<typeof redisConfigSchema>;
