import { createHash } from 'node:crypto';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';

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
 * sha256 of the validated config in canonical JSON (keys sorted, defaults filled in): two files
 * that mean the same give the same hash. The config holds env var names, never secrets.
 */
export function configHash(config: ShadowdiffConfig): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(config)))
    .digest('hex');
}
