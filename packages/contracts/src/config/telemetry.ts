import { z } from 'zod';
import { urlSchema } from './common.js';

export const telemetryConfigSchema = z
  .object({
    /** The Prometheus scrape endpoint of this process. */
    prometheus: z
      .object({
        /** Serve /metrics. Default on. */
        enabled: z.boolean().default(true),
        /** Scrape endpoint port (path /metrics). Default 9464. */
        port: z.number().int().min(0).max(65_535).default(9464),
        /** Address the scrape endpoint binds. Default 127.0.0.1. */
        host: z.string().default('127.0.0.1'),
      })
      .strict()
      .default({}),
    /** Push metrics over OTLP/HTTP (to an OpenTelemetry Collector). */
    otlp: z
      .object({
        /** Push metrics over OTLP. Default off. */
        enabled: z.boolean().default(false),
        /** OTLP/HTTP metrics endpoint. */
        endpoint: urlSchema.default('http://127.0.0.1:4318/v1/metrics'),
        /** Export interval. Default 10000 ms. */
        intervalMs: z.number().int().positive().default(10_000),
      })
      .strict()
      .default({}),
  })
  .strict();

export type TelemetryConfig = z.infer<typeof telemetryConfigSchema>;
