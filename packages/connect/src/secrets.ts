import { readFileSync } from 'node:fs';
import { ConfigError } from '@shadowdiff/contracts';
import type { TlsConfig } from '@shadowdiff/contracts';

/** Where secrets and files are read from; tests pass their own. */
export interface ConnectEnv {
  env: NodeJS.ProcessEnv;
  readFile: (path: string) => string;
}

export const processEnv: ConnectEnv = {
  env: process.env,
  readFile: (path) => readFileSync(path, 'utf8'),
};

function read(io: ConnectEnv, key: string, path: string): string {
  try {
    return io.readFile(path);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(
      'ERR_CONFIG_READ',
      `${key}: cannot read ${path} (${why}) — fix the path`,
      {
        cause: err,
      },
    );
  }
}

/**
 * The password named by `passwordEnv` or `passwordFile` under config key `key`. The error names
 * the variable or file, never the value.
 */
export function resolvePassword(
  key: string,
  source: { passwordEnv?: string | undefined; passwordFile?: string | undefined },
  io: ConnectEnv,
): string | undefined {
  if (source.passwordEnv !== undefined) {
    const v = io.env[source.passwordEnv];
    if (v === undefined || v === '') {
      throw new ConfigError(
        'ERR_CONFIG_INVALID',
        `${key}.passwordEnv: $${source.passwordEnv} is not set — export it, or use ${key}.passwordFile`,
      );
    }
    return v;
  }
  if (source.passwordFile !== undefined) {
    const v = read(io, `${key}.passwordFile`, source.passwordFile).replace(/\r?\n$/, '');
    if (v === '') {
      throw new ConfigError(
        'ERR_CONFIG_INVALID',
        `${key}.passwordFile: ${source.passwordFile} is empty — write the password into it`,
      );
    }
    return v;
  }
  return undefined;
}

/** Node `tls.connect` options for a {@link TlsConfig} (the shape kafkajs and ioredis both take). */
export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

/** TLS options for config key `key`, PEM files read now; undefined when TLS is off. */
export function resolveTls(
  key: string,
  tls: TlsConfig | undefined,
  io: ConnectEnv,
): TlsOptions | undefined {
  if (tls === undefined || tls === false) return undefined;
  if (tls === true) return { rejectUnauthorized: true };
  const out: TlsOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.caFile !== undefined) out.ca = read(io, `${key}.caFile`, tls.caFile);
  if (tls.certFile !== undefined) out.cert = read(io, `${key}.certFile`, tls.certFile);
  if (tls.keyFile !== undefined) out.key = read(io, `${key}.keyFile`, tls.keyFile);
  if (tls.servername !== undefined) out.servername = tls.servername;
  return out;
}
