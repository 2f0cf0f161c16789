import { z } from 'zod';

export const noiseConfigSchema = z
  .object({
    /** Learn volatile fields automatically. Default on. */
    learn: z.boolean().default(true),
    /** Pairs a route x path must be seen in before it can be learned. Default 50. */
    minSamples: z.number().int().positive().default(50),
    /** Fraction of pairs in which the path must differ. Default 0.9. */
    minChangeRate: z.number().min(0).max(1).default(0.9),
    /** Fraction of distinct primary-side values across requests. Default 0.8. */
    minCardinality: z.number().min(0).max(1).default(0.8),
    secondary: z
      .object({
        /** Use a `secondary` tap's records to cancel noise (Diffy). Default off. */
        enabled: z.boolean().default(false),
        /** Report a path only if shadow diff rate exceeds secondary's by this factor... */
        relativeThreshold: z.number().nonnegative().default(0.2),
        /** ...and by this absolute rate. */
        absoluteThreshold: z.number().nonnegative().default(0.03),
      })
      .strict()
      .default({}),
  })
  .strict();

export type NoiseConfig = z.infer<typeof noiseConfigSchema>;
