import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, mergeConfig, validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { parse as parseYaml } from 'yaml';

export const DEFAULT_CONFIG_FILE = 'shadowdiff.yaml';

/** The environment variables that set config keys, so containers need no file for the endpoints. */
const ENV_KEYS = [
  {
    name: 'KAFKA_BROKERS',
    section: 'kafka',
    key: 'brokers',
    value: (v: string) => v.split(',').map((b) => b.trim()),
  },
  { name: 'REDIS_URL', section: 'redis', key: 'url', value: (v: string) => v },
] as const;

/** Overrides taken from the environment (ENV_KEYS). */
export function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, section, key, value } of ENV_KEYS) {
    const v = env[name];
    if (v) out[section] = { [key]: value(v) };
  }
  return out;
}

/**
 * Reads the YAML config (explicit path, else ./shadowdiff.yaml when present, else defaults), then
 * applies env and flag overrides (flags win) and validates once. Errors name the file and key.
 */
export function loadConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv,
  flagOverrides: Record<string, unknown>,
): { config: ShadowdiffConfig; source: string } {
  let raw: unknown = {};
  let source = 'defaults';
  const chosen = path ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (chosen !== undefined) {
    let text: string;
    try {
      text = readFileSync(chosen, 'utf8');
    } catch (error) {
      throw new ConfigError(
        'ERR_CONFIG_READ',
        `cannot read config file ${chosen}: ${(error as Error).message} — pass --config PATH to an existing file`,
        { cause: error },
      );
    }
    try {
      raw = parseYaml(text) ?? {};
    } catch (error) {
      throw new ConfigError(
        'ERR_CONFIG_PARSE',
        `${chosen} is not valid YAML: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    source = chosen;
  }
  const fromEnv = envOverrides(env);
  const merged = mergeConfig(mergeConfig(raw, fromEnv), flagOverrides);
  const origin = (path: (string | number)[]): string | undefined => {
    if (setAt(flagOverrides, path)) return 'from a command-line flag';
    if (!setAt(fromEnv, path)) return undefined;
    const variable = ENV_KEYS.find((e) => e.section === path[0] && e.key === path[1]);
    return variable && `from $${variable.name}`;
  };
  const label = chosen ?? 'settings (no config file; defaults, environment and flags)';
  return { config: validateConfig(merged, label, origin), source };
}

/** Whether `overrides` sets the key at `path` (or a value containing it). */
function setAt(overrides: unknown, path: (string | number)[]): boolean {
  let at = overrides;
  for (const step of path) {
    if (typeof at !== 'object' || at === null) return false;
    at = (at as Record<string | number, unknown>)[step];
    if (at === undefined) return false;
    if (typeof at !== 'object') return true;
  }
  return at !== undefined;
}
