import { ConfigError } from '@shadowdiff/contracts';

const PARAM = Symbol('param');

/** A configured route pattern such as `GET /orders/{id}` or `/static/*`. */
export interface RoutePattern {
  /** Upper-case method, or undefined when the pattern has none (or `*`): any method. */
  method: string | undefined;
  /** Literal segments, `PARAM` for `{name}`. */
  segments: readonly (string | typeof PARAM)[];
  /** A trailing `*`: zero or more further segments. */
  rest: boolean;
  /** The path part as configured (normalised slashes, without a trailing `*`). */
  path: string;
}

/** Compiles `[METHOD ]/a/{b}/*`; `key` names the config key in errors. */
export function compileRoutePattern(text: string, key: string): RoutePattern {
  const trimmed = text.trim();
  const space = trimmed.indexOf(' ');
  const rawMethod = space < 0 ? undefined : trimmed.slice(0, space).toUpperCase();
  const rawPath = (space < 0 ? trimmed : trimmed.slice(space + 1)).trim();
  if (!rawPath.startsWith('/')) {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      `${key}: route "${text}" must be "[METHOD ]/path", e.g. "GET /orders/{id}"`,
    );
  }
  if (rawMethod !== undefined && !/^(?:[A-Z]{1,16}|\*)$/.test(rawMethod)) {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      `${key}: route "${text}" has an invalid method "${rawMethod}"`,
    );
  }
  const parts = rawPath.split('/').filter((s) => s !== '');
  let rest = false;
  const segments: (string | typeof PARAM)[] = [];
  parts.forEach((part, i) => {
    if (part === '*') {
      if (i !== parts.length - 1) {
        throw new ConfigError(
          'ERR_CONFIG_INVALID',
          `${key}: route "${text}" may use "*" only as its last segment`,
        );
      }
      rest = true;
    } else if (part.startsWith('{') && part.endsWith('}') && part.length > 2) {
      segments.push(PARAM);
    } else {
      segments.push(part);
    }
  });
  return {
    method: rawMethod === '*' ? undefined : rawMethod,
    segments,
    rest,
    path: '/' + (rest ? parts.slice(0, -1) : parts).join('/'),
  };
}

/** Whether a request (upper-case method, raw path segments) matches the pattern. */
export function matchesRoutePattern(
  pattern: RoutePattern,
  method: string,
  segments: readonly string[],
): boolean {
  if (pattern.method !== undefined && pattern.method !== method) return false;
  const n = pattern.segments.length;
  if (pattern.rest ? segments.length < n : segments.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const p = pattern.segments[i];
    if (p !== PARAM && p !== segments[i]) return false;
  }
  return true;
}
