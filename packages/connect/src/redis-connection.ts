import type { RedisConfig } from '@shadowdiff/contracts';
import { processEnv, resolvePassword, resolveTls } from './secrets.js';
import type { ConnectEnv, TlsOptions } from './secrets.js';

/** The ioredis options `redis.tls` and `redis.auth` resolve to (merged over the URL's own). */
export interface RedisConnection {
  tls?: TlsOptions;
  username?: string;
  password?: string;
}

/**
 * ioredis options for `redis.tls` and `redis.auth`: PEM files read, the password from its env
 * variable or file. A `rediss://` URL means TLS with the system CAs unless `redis.tls` says
 * more. Pass the result as the second argument of `new Redis(url, {...})`.
 */
export function redisConnection(
  config: Pick<RedisConfig, 'url' | 'tls' | 'auth'>,
  io: ConnectEnv = processEnv,
): RedisConnection {
  const out: RedisConnection = {};
  const tls =
    resolveTls('redis.tls', config.tls, io) ??
    (config.url.startsWith('rediss://') && config.tls !== false
      ? { rejectUnauthorized: true }
      : undefined);
  if (tls !== undefined) out.tls = tls;
  if (config.auth !== undefined) {
    if (config.auth.username !== undefined) out.username = config.auth.username;
    const password = resolvePassword('redis.auth', config.auth, io);
    if (password !== undefined) out.password = password;
  }
  return out;
}

/** The URL with any password replaced by `***`, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_m, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    return colon === -1 ? `${scheme}${auth}@` : `${scheme}${auth.slice(0, colon)}:***@`;
  });
}
