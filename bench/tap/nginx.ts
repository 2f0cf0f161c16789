/**
 * Debian's nginx as the peer: the `mirror` directive is what teams use for shadow traffic without
 * a mesh. Finds the binary (or installs nginx-light with apt-get when running as root on Debian),
 * writes a config with one plain proxy and one mirroring server per shadow variant, and runs it
 * with one worker process (the tap is one Node thread).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CANDIDATES = [
  '/usr/sbin/nginx',
  '/usr/bin/nginx',
  '/usr/local/sbin/nginx',
  '/usr/local/nginx/sbin/nginx',
];

function locate(): string | undefined {
  if (process.env.NGINX) return existsSync(process.env.NGINX) ? process.env.NGINX : undefined;
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  try {
    return execFileSync('sh', ['-c', 'command -v nginx']).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

export const INSTALL_HINT =
  "nginx not found — install Debian's: `apt-get update && apt-get install -y nginx-light` (or set NGINX=/path/to/nginx); the nginx rows are skipped";

/** The nginx binary, installing Debian's nginx-light first if allowed and possible. */
export function ensureNginx(log: (line: string) => void): string | undefined {
  let bin = locate();
  const canInstall =
    bin === undefined &&
    process.env.BENCH_NO_INSTALL !== '1' &&
    process.getuid?.() === 0 &&
    existsSync('/usr/bin/apt-get');
  if (canInstall) {
    log(
      'nginx not found: installing Debian nginx-light (apt-get update; apt-get install -y nginx-light)',
    );
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '-q', 'nginx-light'], { stdio: 'inherit', env });
    } catch (error) {
      log(`apt-get failed: ${(error as Error).message}`);
    }
    bin = locate();
  }
  if (bin === undefined) {
    log(INSTALL_HINT);
    return undefined;
  }
  // `nginx -V` prints its build options on stderr.
  const built = spawnSync(bin, ['-V'], { encoding: 'utf8' }).stderr;
  if (built.includes('--without-http_mirror_module')) {
    log(`${bin} was built without the mirror module; the nginx rows are skipped`);
    return undefined;
  }
  return bin;
}

export interface NginxServers {
  /** Plain reverse proxy to the primary. */
  plain: number;
  /** Mirroring servers by shadow variant name. */
  mirror: Record<string, number>;
}

/** Writes the config into `dir` and returns the command line to run nginx in the foreground. */
export function nginxConfig(
  bin: string,
  dir: string,
  primaryPort: number,
  shadows: Record<string, number>,
  ports: NginxServers,
): { command: string; args: string[] } {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `  ${t}_temp_path ${join(dir, t)};`)
    .join('\n');
  const upstreams = [
    `  upstream primary { server 127.0.0.1:${primaryPort}; keepalive 128; }`,
    ...Object.entries(shadows).map(
      ([name, port]) => `  upstream shadow_${name} { server 127.0.0.1:${port}; keepalive 128; }`,
    ),
  ].join('\n');
  const proxy = `proxy_pass http://primary;
      proxy_http_version 1.1;
      proxy_set_header Connection "";`;
  const mirrors = Object.entries(ports.mirror)
    .map(
      ([name, port]) => `
  server {
    listen 127.0.0.1:${port};
    location / {
      mirror /__shadow;
      ${proxy}
    }
    location = /__shadow {
      internal;
      proxy_pass http://shadow_${name}$request_uri;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Shadow-Request 1;
      proxy_connect_timeout 1s;
      proxy_read_timeout 5s;
    }
  }`,
    )
    .join('\n');
  const conf = `worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'logs', 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
${temp}
${upstreams}
  server {
    listen 127.0.0.1:${ports.plain};
    location / {
      ${proxy}
    }
  }
${mirrors}
}
`;
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  // -e (nginx >= 1.19.5): the startup error log, before the config's error_log applies.
  return {
    command: bin,
    args: ['-p', dir, '-c', file, '-e', join(dir, 'logs', 'startup.log'), '-g', 'daemon off;'],
  };
}
