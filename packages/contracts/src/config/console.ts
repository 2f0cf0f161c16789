import { z } from 'zod';
import { listenSchema } from './common.js';

export const consoleConfigSchema = z
  .object({
    /** Where the console (web UI and API) listens. Default 127.0.0.1:8088 (loopback: no token). */
    listen: listenSchema.default('127.0.0.1:8088'),
    /** Env var holding the bearer token; required unless listening on loopback only. */
    tokenEnv: z.string().default('SHADOWDIFF_CONSOLE_TOKEN'),
  })
  .strict();

export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;
