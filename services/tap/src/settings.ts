import { ConfigError } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';

export interface ListenAddress {
  /** undefined = every interface (`:8080` or a bare port). */
  host: string | undefined;
  port: number;
}

/** `host:port`, `:port` or a port number, as the config's listen keys accept. */
export function parseListen(listen: string | number): ListenAddress {
  if (typeof listen === 'number') return { host: undefined, port: listen };
  const colon = listen.lastIndexOf(':');
  if (colon < 0) return { host: undefined, port: Number(listen) };
  const host = listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port: Number(listen.slice(colon + 1)) };
}

export interface TapUpstreams {
  mode: 'sidecar' | 'mirror';
  /** The service whose answers clients get (sidecar: `tap.upstream`; mirror: `tap.primary`). */
  primary: string;
  /** Mirror mode only. */
  shadow: string | undefined;
  /**
   * Mirror mode only: where self-check copies (role `secondary`) go — `tap.secondary` (a separate
   * second instance of the primary) or, by default, the primary itself.
   */
  secondary: string | undefined;
}

function httpUrl(value: string, key: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      `${key}: '${value}' is not a URL — pass ${flag} http://host:port`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      `${key}: '${value}' must be an http:// or https:// URL (got ${url.protocol})`,
    );
  }
  return value;
}

/**
 * The checks the schema cannot make because they depend on the mode (the config file is shared by
 * every service, and only the tap needs upstreams). Fails at start-up naming the key and the flag.
 */
export function resolveUpstreams(config: ShadowdiffConfig): TapUpstreams {
  const tap = config.tap;
  if (tap.mode === 'sidecar') {
    if (tap.upstream === undefined) {
      throw new ConfigError(
        'ERR_CONFIG_INVALID',
        'tap.upstream: sidecar mode needs the service to front — set tap.upstream or pass --upstream http://host:port (or use mirror mode with --primary and --shadow)',
      );
    }
    if (tap.secondary !== undefined) {
      throw new ConfigError(
        'ERR_CONFIG_INVALID',
        'tap.secondary: a second primary instance is for mirror mode; in sidecar mode run another sidecar in front of it with --role secondary (or drop tap.secondary / --secondary)',
      );
    }
    return {
      mode: 'sidecar',
      primary: httpUrl(tap.upstream, 'tap.upstream', '--upstream'),
      shadow: undefined,
      secondary: undefined,
    };
  }
  const missing = (['primary', 'shadow'] as const).filter((k) => tap[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      `${missing.map((k) => `tap.${k}`).join(', ')}: mirror mode needs both services — set them or pass ${missing.map((k) => `--${k} http://host:port`).join(' ')}`,
    );
  }
  const primary = httpUrl(tap.primary as string, 'tap.primary', '--primary');
  return {
    mode: 'mirror',
    primary,
    shadow: httpUrl(tap.shadow as string, 'tap.shadow', '--shadow'),
    secondary:
      tap.secondary === undefined
        ? primary
        : httpUrl(tap.secondary, 'tap.secondary', '--secondary'),
  };
}
