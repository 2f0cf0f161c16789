import { ConfigError } from './errors.js';

/**
 * Turns a failed `listen()` into the one clear line every shadowdiff listener prints: the config key,
 * the address, why, and the flag to pass instead — e.g. `console.listen: 127.0.0.1:8088 is already
 * in use (EADDRINUSE) — free it, or pass --console-listen with another host:port`. Errors that are
 * not about the address (anything but in use, no privilege, not ours) come back unchanged.
 */
export function listenError(
  error: unknown,
  key: string,
  address: string | number,
  flag: string,
): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'EADDRINUSE'
      ? 'is already in use'
      : code === 'EACCES'
        ? 'needs privileges this process lacks'
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? 'is not an address of this machine'
          : undefined;
  if (why === undefined) return error;
  return new ConfigError(
    'ERR_CONFIG_INVALID',
    `${key}: ${address} ${why} (${code}) — free it, or pass ${flag} with another host:port`,
    { cause: error },
  );
}
