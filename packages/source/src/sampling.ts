/** Buckets per 100 %: percent is honoured to two decimals (0.01 % steps). */
export const SAMPLING_BUCKETS = 10_000;

/**
 * A stable bucket in [0, 10000) for a trace id: FNV-1a (32-bit) over its UTF-16 code units. Every
 * tap, in any process or language that implements the same hash, puts a request in the same bucket,
 * so two sidecars (or a mirror and a sidecar) sample the same requests without talking to each other.
 */
export function samplingBucket(traceId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) {
    hash ^= traceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SAMPLING_BUCKETS;
}

/** Whether a trace id falls in the sampled `percent` (0–100). Monotonic: sampled at p ⇒ at any p' ≥ p. */
export function isSampled(traceId: string, percent: number): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  return samplingBucket(traceId) < Math.round(percent * 100);
}
