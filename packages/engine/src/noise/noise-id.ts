import { createHash } from 'node:crypto';
import type { NoiseKey } from '../ports/noise-store.js';

/**
 * A short, stable id for an entry (10 hex chars of a sha256 over its key), so `shadowdiff noise
 * confirm 3fa2c1d0e9` works without quoting a route and a pointer. Collisions within one service
 * need ~10^6 entries; the CLI refuses an ambiguous id anyway.
 */
export function noiseId(key: NoiseKey): string {
  return createHash('sha256')
    .update(`${key.service}\u0000${key.route}\u0000${key.kind}\u0000${key.aspect}\u0000${key.path}`)
    .digest('hex')
    .slice(0, 10);
}
