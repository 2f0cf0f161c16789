import { z } from 'zod';

/**
 * Zero-config noise. The worker learns, per route x field path, which differences are noise
 * (per-request ids, tokens, clocks, counters, float jitter, sets serialised in any order) and
 * suppresses them with reason `learned`; `shadowdiff noise list|confirm|reject|export` shows and
 * overrules what it learned. Structural changes (missing field, type change, array length) and
 * status codes are never learned.
 */
export const noiseConfigSchema = z
  .object({
    /** Learn volatile fields automatically. Default on. Confirmed entries apply either way. */
    learn: z.boolean().default(true),
    /** Pairs a route x path must be seen in before it can be learned. Default 50. */
    minSamples: z.number().int().positive().default(50),
    /** Fraction of pairs in which the path must differ. Default 0.9. */
    minChangeRate: z.number().min(0).max(1).default(0.9),
    /**
     * Distinct primary-side values per changed pair (1 = a new value on every request). Default
     * 0.8: a field cycling through a few values (a host name, a status) is not noise.
     */
    minCardinality: z.number().min(0).max(1).default(0.8),
    secondary: z
      .object({
        /**
         * Use a `secondary` tap's records (a second primary instance) to cancel noise the way
         * Diffy does. Adds `secondary` to the roles a pair needs; listing `secondary` in
         * `worker.roles` turns it on too. Default off.
         */
        enabled: z.boolean().default(false),
        /**
         * A path is reported only if its primary-vs-shadow diff rate exceeds the
         * primary-vs-secondary rate by more than this fraction of the latter
         * (`shadow - secondary > relativeThreshold x secondary`). Default 0.2.
         */
        relativeThreshold: z.number().nonnegative().default(0.2),
        /**
         * ...and by more than this absolute rate (`shadow - secondary > absoluteThreshold`).
         * Default 0.03 (3 percentage points). A path the secondary never differed on is always
         * reported.
         */
        absoluteThreshold: z.number().nonnegative().default(0.03),
      })
      .strict()
      .default({}),
  })
  .strict();

export type NoiseConfig = z.infer<typeof noiseConfigSchema>;
export type NoiseConfigInput = z.input<typeof noiseConfigSchema>;
