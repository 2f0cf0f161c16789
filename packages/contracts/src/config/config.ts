import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { consoleConfigSchema } from './console.js';
import { kafkaConfigSchema } from './kafka.js';
import { noiseConfigSchema } from './noise.js';
import { redisConfigSchema } from './redis.js';
import { rulesConfigSchema } from './rules.js';
import { tapConfigSchema } from './tap.js';
import { telemetryConfigSchema } from './telemetry.js';
import { vpcConfigSchema } from './vpc.js';
import { workerConfigSchema } from './worker.js';

export const CONFIG_VERSION = 1 as const;

/** The one config file (YAML), shared by every service. Unknown keys are errors, not ignored. */
export const configSchema = z
  .object({
    /** Config file format version; 1 is the only one so far. */
    version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
    /** Service under comparison; a metric attribute. */
    service: z.string().min(1).default('default'),
    /** Team or person accountable for the experiment; shown in the evidence report. */
    owner: z.string().optional(),
    kafka: kafkaConfigSchema.default({}),
    redis: redisConfigSchema.default({}),
    tap: tapConfigSchema.default({}),
    worker: workerConfigSchema.default({}),
    rules: rulesConfigSchema.default({}),
    noise: noiseConfigSchema.default({}),
    telemetry: telemetryConfigSchema.default({}),
    console: consoleConfigSchema.default({}),
    vpc: vpcConfigSchema.default({}),
  })
  .strict();

export type ShadowdiffConfig = z.infer<typeof configSchema>;
export type ShadowdiffConfigInput = z.input<typeof configSchema>;

/** A config key as the docs write it: `tap.redact.jsonPaths[0]`, `rules.routes[2].route`. */
export function formatConfigKey(path: readonly (string | number)[]): string {
  let out = '';
  for (const step of path)
    out += typeof step === 'number' ? `[${step}]` : out === '' ? step : `.${step}`;
  return out;
}

function keyOf(path: (string | number)[]): string {
  return path.length === 0 ? '(top level)' : formatConfigKey(path);
}

/** The keys the object at `path` of the schema accepts, for an unknown-key message. */
function keysAt(path: (string | number)[]): string[] {
  let schema: z.ZodTypeAny | undefined = configSchema;
  for (let i = 0; ; i++) {
    while (
      schema instanceof z.ZodDefault ||
      schema instanceof z.ZodOptional ||
      schema instanceof z.ZodEffects
    ) {
      schema = (
        schema instanceof z.ZodEffects ? schema._def.schema : schema._def.innerType
      ) as z.ZodTypeAny;
    }
    if (i === path.length) break;
    const step = path[i] as string | number;
    if (schema instanceof z.ZodObject) schema = (schema.shape as z.ZodRawShape)[step];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodTypeAny;
    else return [];
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape as z.ZodRawShape) : [];
}

/**
 * Validates a parsed config object. Throws ConfigError whose message names the first bad keys and
 * how to fix them, e.g. `tap.mirror.percent: Number must be less than or equal to 100`; an unknown
 * key's line lists the keys valid there. `origin(path)`, when given, names where a bad value came
 * from when it was not the file (a command-line flag, an environment variable).
 */
export function validateConfig(
  raw: unknown,
  source = 'config',
  origin?: (path: (string | number)[]) => string | undefined,
): ShadowdiffConfig {
  const parsed = configSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.slice(0, 8).map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length > 0 ? `${keyOf(issue.path)}.` : '';
      const valid = keysAt(issue.path);
      return (
        `  ${issue.keys.map((k) => `${where}${k}`).join(', ')}: unknown key — check the spelling` +
        (valid.length > 0 ? `; valid here: ${valid.join(', ')}` : '')
      );
    }
    const from = origin?.(issue.path);
    return `  ${keyOf(issue.path)}: ${issue.message}${from ? ` (${from})` : ''}`;
  });
  throw new ConfigError('ERR_CONFIG_INVALID', `invalid ${source}:\n${lines.join('\n')}`);
}

/** Parses YAML text and validates it. `source` (usually the file path) is named in errors. */
export function parseConfig(text: string, source = 'config'): ShadowdiffConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      'ERR_CONFIG_PARSE',
      `${source} is not valid YAML: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return validateConfig(raw, source);
}

/** Deep-merges overrides (from flags or env) onto a raw config before validation. */
export function mergeConfig(
  base: unknown,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(isObject(base) ? base : {}) };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const existing = out[key];
    out[key] = isObject(existing) && isObject(value) ? mergeConfig(existing, value) : value;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
