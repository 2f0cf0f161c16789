import { z } from 'zod';
import { ROLES } from '../roles.js';

export const workerConfigSchema = z
  .object({
    /** Consumer group of the fleet. Default `shadowdiff-worker`. */
    groupId: z.string().default('shadowdiff-worker'),
    /** How long a half waits for its partner before an orphan verdict. Default 10 s. */
    windowMs: z.number().int().positive().default(10_000),
    /** Roles a pair needs. `secondary` is added automatically when noise.secondary is on. */
    roles: z.array(z.enum(ROLES)).min(2).default(['primary', 'shadow']),
    /** Example pairs kept per route x path for the console. Default 5. */
    examplesPerPath: z.number().int().positive().default(5),
    /** Distinct diff paths per route in metrics; the rest count as `other`. Default 50. */
    pathsPerRoute: z.number().int().positive().default(50),
    /** Distinct routes in metrics; the rest count as `other`. Default 500. */
    maxRoutes: z.number().int().positive().default(500),
  })
  .strict();

export type WorkerConfig = z.infer<typeof workerConfigSchema>;
