import { z } from 'zod';
import { ROLES } from '../roles.js';
import {
  jsonPointerSchema,
  listenSchema,
  pathPatternSchema,
  routePatternSchema,
  urlSchema,
} from './common.js';
import { tapServerSchema } from './tap-server.js';

export const TRACE_SOURCES = ['traceparent', 'x-request-id', 'b3'] as const;

export const mirrorPolicySchema = z
  .object({
    /** Percent of eligible requests mirrored, decided by a hash of the trace id. Default 100. */
    percent: z.number().min(0).max(100).default(100),
    /** Methods mirrored on every route. Default: safe methods only. */
    methods: z.array(z.string().toUpperCase()).default(['GET', 'HEAD', 'OPTIONS']),
    /**
     * Routes (`[METHOD ]/path` patterns: `{name}` and `*` one segment, `**` any rest) where writes
     * may be mirrored too.
     */
    writeRoutes: z.array(routePatternSchema).default([]),
    /** Path patterns to mirror (`/api/**`); empty = all. */
    include: z.array(pathPatternSchema).default([]),
    /** Path patterns never mirrored (`/admin/**`; wins over include). */
    exclude: z.array(pathPatternSchema).default([]),
    /** Requests with a larger body are not mirrored. Default 1 MiB. */
    maxBodyBytes: z.number().int().nonnegative().default(1_048_576),
    /** Shadow request timeout. Default 5000 ms. */
    timeoutMs: z.number().int().positive().default(5_000),
    /** Bound on concurrent shadow requests; beyond it the mirror is skipped and counted. Default 256. */
    maxInFlight: z.number().int().positive().default(256),
    /** Header added (value `1`) to mirrored requests so the shadow can dry-run side effects. Default `x-shadow-request`. */
    markerHeader: z.string().default('x-shadow-request'),
    /**
     * After this many refused connections in a row the shadow is taken as down: mirroring pauses
     * (skipped as `shadow_unavailable`) for `downCooldownMs`, doubling while it stays down (to 8x),
     * then one request probes it. Saves the primary's CPU a connect attempt per request. 0 turns it
     * off. Default 5.
     */
    downAfterRefusals: z.number().int().nonnegative().default(5),
    /** First pause once the shadow is taken as down. Default 1000 ms. */
    downCooldownMs: z.number().int().positive().default(1_000),
  })
  .strict();

/**
 * Self-check (mirror mode): the tap asks the primary a second time (role `secondary`) for a few
 * requests of each route, so the worker sees what differs between two answers of the same primary
 * to the same request — that is noise, not drift, from the very first pair of a route (AREX's
 * trick). Safe methods only (GET, HEAD, OPTIONS: a write is never sent twice), marked with
 * `tap.mirror.markerHeader`, sent beside the client's exchange (never delaying it), bounded by its
 * own timeout and in-flight cap. The extra primary load is the `shadow.tap.selfcheck` counter
 * (`outcome=sent` is one more request on the primary, or on `tap.secondary` when set).
 *
 * Limits: a route is "seen" per tap process (a restarted or second tap self-checks its first
 * requests again); at most `maxRoutes` templated routes are remembered, past that only the steady
 * `percent` sample applies; a field that changes between two calls only rarely (a stock count)
 * may not differ in the few self-checked pairs, and is left to the learner.
 */
export const selfCheckSchema = z
  .object({
    /** On by default in mirror mode; `false` turns self-check off (no extra primary load). */
    enabled: z.boolean().default(true),
    /**
     * Self-checks per route the tap has not seen yet (first K): every request of the route is
     * checked until K copies ended, so a burst arriving while the first copies are out is checked
     * too (within `maxInFlight`). Default 3.
     */
    firstPerRoute: z.number().int().nonnegative().default(3),
    /** Steady sample after that, by trace-id hash (0-100, 0.01 steps). Default 1. */
    percent: z.number().min(0).max(100).default(1),
    /** Bound on concurrent self-check requests; beyond it the copy is skipped and counted. Default 32. */
    maxInFlight: z.number().int().positive().default(32),
    /** Whole-exchange timeout of a self-check request. Default 2000 ms. */
    timeoutMs: z.number().int().positive().default(2_000),
    /** Templated routes remembered as seen (first-K bookkeeping). Default 1000. */
    maxRoutes: z.number().int().positive().default(1_000),
  })
  .strict();

export const tapConfigSchema = z
  .object({
    /**
     * `sidecar`: a reverse proxy in front of one service (`upstream`), recording it as `role`.
     * `mirror`: forwards to `primary`, mirrors eligible requests to `shadow`, records both.
     * Default `sidecar`.
     */
    mode: z.enum(['sidecar', 'mirror']).default('sidecar'),
    /** Sidecar mode: the role recorded for the fronted service. Default `primary`. */
    role: z.enum(ROLES).default('primary'),
    /** Where clients connect. Default 127.0.0.1:8080. */
    listen: listenSchema.default('127.0.0.1:8080'),
    /**
     * Health (`/healthz`) and readiness (`/readyz`) endpoints, on their own port so no proxied
     * path is shadowed. Default 127.0.0.1:8081.
     */
    adminListen: listenSchema.default('127.0.0.1:8081'),
    /**
     * Idle timeout on the upstream (primary) socket; the client then gets 504 and the record says
     * `timeout`. Default 60000 ms.
     */
    upstreamTimeoutMs: z.number().int().positive().default(60_000),
    /** On shutdown, how long in-flight requests and the record buffer get to finish. Default 5000 ms. */
    shutdownGraceMs: z.number().int().nonnegative().default(5_000),
    /** Sidecar mode: the one service this tap fronts. */
    upstream: urlSchema.optional(),
    /** Mirror mode: the service whose answers clients get. */
    primary: urlSchema.optional(),
    /** Mirror mode: the service under test. */
    shadow: urlSchema.optional(),
    /**
     * Mirror mode: a separate second instance of the primary (Diffy's design). When set, the
     * self-check copies (role `secondary`) go there instead of to `primary`. `--secondary URL`.
     */
    secondary: urlSchema.optional(),
    /** Limits of the client-facing server: head size, slow heads and bodies, connections. */
    server: tapServerSchema.default({}),
    /** Identifies this tap in records; default hostname:pid. */
    tapId: z.string().optional(),
    /** Captured body cap per side. Default 1 MiB; larger bodies are truncated and flagged. */
    captureBodyBytes: z.number().int().nonnegative().default(1_048_576),
    /** Trace id sources, in order. A mirror tap creates a traceparent when none is found. */
    traceHeaders: z
      .array(z.enum(TRACE_SOURCES))
      .min(1)
      .default([...TRACE_SOURCES]),
    mirror: mirrorPolicySchema.default({}),
    /** Mirror mode: ask the primary twice to prove noise (see `selfCheckSchema`). */
    selfCheck: selfCheckSchema.default({}),
    redact: z
      .object({
        /** Added to the default list (authorization, cookie, set-cookie, proxy-authorization). */
        headers: z.array(z.string().toLowerCase()).default([]),
        /**
         * JSON pointers (with `*`) redacted in request and response JSON bodies. Default none. A body
         * that must be redacted but cannot be parsed (truncated, not JSON) is left out of the record.
         */
        jsonPaths: z.array(jsonPointerSchema({ root: false })).default([]),
        /** Env var holding the per-deployment HMAC key. Default SHADOWDIFF_REDACT_KEY. */
        keyEnv: z.string().default('SHADOWDIFF_REDACT_KEY'),
      })
      .strict()
      .default({}),
    buffer: z
      .object({
        /** Records held while Kafka is slow; beyond this they are dropped and counted. Default 10000. */
        maxRecords: z.number().int().positive().default(10_000),
        /** Encoded bytes held while Kafka is slow; beyond this records are dropped. Default 64 MiB. */
        maxBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1_048_576),
        /**
         * How long the first record of a batch waits for company before the batch is sent.
         * Default 200 ms: a produce request costs ~1 ms of CPU whatever it carries, against
         * 20-30 µs per record, so at a few hundred requests per second a 50 ms linger spends
         * about twice the CPU per record of a 200 ms one (bench/tap, BENCH_LINGER_MS). Records
         * only need to arrive within the worker's alignment window, which is seconds.
         */
        lingerMs: z.number().int().nonnegative().default(200),
        /** Most records handed to the publisher in one batch; a full batch goes at once. Default 1000. */
        maxBatchRecords: z.number().int().positive().default(1_000),
        /**
         * Most encoded bytes in one batch (a record larger than this goes alone); a full batch goes
         * at once. Default 768 KiB, under the broker's default 1 MB `message.max.bytes` even before
         * compression.
         */
        maxBatchBytes: z
          .number()
          .int()
          .positive()
          .default(768 * 1_024),
      })
      .strict()
      .default({}),
  })
  .strict();

export type TapConfig = z.infer<typeof tapConfigSchema>;
export type MirrorPolicy = z.infer<typeof mirrorPolicySchema>;
export type SelfCheckConfig = z.infer<typeof selfCheckSchema>;
