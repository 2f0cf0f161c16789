import { z } from 'zod';
import { urlSchema } from './common.js';

export const telemetryConfigSchema = z
  .object({
    prometheus: z
      .object({
        enabled: z.boolean().default(true),
        /** Scrape endpoint port (path /metrics). Default 9464. */
        port: z.number().int().min(0).max(65_535).default(9464),
        host: z.string().default('127.0.0.1'),
      })
      .strict()
      .default({}),
    otlp: z
      .object({
        enabled: z.boolean().default(false),
        /** OTLP/HTTP metrics endpoint. */
        endpoint: urlSchema.default('http://127.0.0.1:4318/v1/metrics'),
        intervalMs: z.number().int().positive().default(10_000),
      })
      .strict()
      .default({}),
  })
  .strict();

export type TelemetryConfig = z.infer<typeof telemetryConfigSchema>;
