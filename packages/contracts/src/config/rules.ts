import { z } from 'zod';
import { jsonPointerSchema, routePatternSchema } from './common.js';

const toleranceSchema = z
  .object({
    /** Numbers within this absolute difference are equal. */
    abs: z.number().nonnegative().optional(),
    /** Numbers within this fraction of the larger magnitude are equal. */
    rel: z.number().nonnegative().optional(),
  })
  .strict();

export const routeRuleSchema = z
  .object({
    /**
     * `GET /orders/{id}`: `{name}` and `*` match one segment, `**` any rest (the route-pattern
     * language of `tap.mirror.*` too). Configured patterns win over templating.
     */
    route: routePatternSchema,
    /** JSON pointers (with `*` for any key/index) whose differences are ignored. */
    ignore: z.array(jsonPointerSchema()).default([]),
    /**
     * Arrays compared as sets (`set`: order ignored) or matched by a key field (`{ key: sku }`:
     * elements paired by that field, order ignored). Default `{}`: arrays of objects are matched
     * by an identity key found automatically, scalars by value, position only as the fallback.
     */
    arrays: z
      .record(
        jsonPointerSchema(),
        z.union([
          z.literal('set'),
          z
            .object({
              /** The element field that identifies an element (`sku`, `id`). */
              key: z
                .string()
                .min(1, 'key must name the field that identifies an element, e.g. { key: sku }'),
            })
            .strict(),
        ]),
      )
      .default({}),
    /** Numeric tolerance per JSON pointer. */
    tolerance: z.record(jsonPointerSchema(), toleranceSchema).default({}),
    /** Extra headers compared on this route. */
    headers: z.array(z.string().toLowerCase()).default([]),
  })
  .strict();

export const rulesConfigSchema = z
  .object({
    /** Headers compared on every route. Default: content-type. */
    headers: z.array(z.string().toLowerCase()).default(['content-type']),
    /** Timestamps on both sides within this many ms are equal. Default 5 minutes. */
    timestampToleranceMs: z.number().int().nonnegative().default(300_000),
    /** Relative float tolerance applied everywhere (float noise). Default 1e-9. */
    floatRelTolerance: z.number().nonnegative().default(1e-9),
    /** Per-route rules; the first whose `route` matches applies. */
    routes: z.array(routeRuleSchema).default([]),
  })
  .strict();

export type RulesConfig = z.infer<typeof rulesConfigSchema>;
export type RouteRule = z.infer<typeof routeRuleSchema>;
export type RulesConfigInput = z.input<typeof rulesConfigSchema>;
