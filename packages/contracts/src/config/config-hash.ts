import { createHash } from 'node:crypto';
import type { ShadowdiffConfig } from './config.js';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * sha256 (hex) of the validated config in canonical JSON (keys sorted, defaults filled in): two
 * files that mean the same give the same hash. Taps stamp its first 16 characters on their records
 * (`meta.configHash`) and the evidence report prints it, so a reviewer can tell which config
 * produced which records. The config holds env var names, never secrets.
 */
export function configHash(config: ShadowdiffConfig): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(config)))
    .digest('hex');
}

/** Characters of the config hash a tap stamps on each record (64 bits: plenty to tell configs apart). */
export const CONFIG_HASH_STAMP_CHARS = 16;
