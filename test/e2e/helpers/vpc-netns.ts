import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/**
 * The real-packet rig for the VPC ingest: three network namespaces this test makes and removes.
 *
 *   client ns  c0 10.231.1.1 ──veth── s0 10.231.1.2  server ns (the primary on :8080)
 *                                      │ tc u32 + mirred: every packet of s0, both directions,
 *                                      ▼ copied into vx0 (Linux vxlan, VNI 7) — what AWS does
 *   ingest ns  i0 10.231.2.2 ──veth── m0 10.231.2.1  (VXLAN to 10.231.2.2:4789)
 *              relay :4789 -> ingest 127.0.0.1:4790, shadow on 127.0.0.1:9090
 *
 * Every address lives inside these namespaces: nothing reaches the host's network.
 */
export interface Rig {
  client: string;
  server: string;
  ingest: string;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** Makes the namespaces, or says why it cannot (not root, no netns, no vxlan or tc support). */
export function makeRig(): Rig | { error: string } {
  if (process.getuid?.() !== 0) return { error: 'not root: network namespaces need CAP_NET_ADMIN' };
  const tag = `${process.pid % 100_000}`;
  const rig = { client: `sdvc${tag}`, server: `sdvs${tag}`, ingest: `sdvi${tag}` };
  const remove = () => {
    for (const ns of Object.values(rig)) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // never made
      }
    }
  };
  try {
    for (const ns of Object.values(rig)) ip('netns', 'add', ns);
    const { client: c, server: s, ingest: i } = rig;
    ip('link', 'add', 'c0', 'netns', c, 'type', 'veth', 'peer', 'name', 's0', 'netns', s);
    ip('link', 'add', 'm0', 'netns', s, 'type', 'veth', 'peer', 'name', 'i0', 'netns', i);
    ip('-n', c, 'addr', 'add', '10.231.1.1/24', 'dev', 'c0');
    ip('-n', s, 'addr', 'add', '10.231.1.2/24', 'dev', 's0');
    ip('-n', s, 'addr', 'add', '10.231.2.1/24', 'dev', 'm0');
    ip('-n', i, 'addr', 'add', '10.231.2.2/24', 'dev', 'i0');
    for (const [ns, dev] of [
      [c, 'c0'],
      [s, 's0'],
      [s, 'm0'],
      [i, 'i0'],
    ] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
    for (const ns of [c, s, i]) ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip(
      '-n',
      s,
      'link',
      'add',
      'vx0',
      'type',
      'vxlan',
      'id',
      '7',
      'remote',
      '10.231.2.2',
      'dstport',
      '4789',
      'dev',
      'm0',
    );
    ip('-n', s, 'link', 'set', 'vx0', 'up');
    const tc = (...args: string[]) =>
      execFileSync('ip', ['netns', 'exec', s, 'tc', ...args], { stdio: 'pipe' });
    tc('qdisc', 'add', 'dev', 's0', 'clsact');
    for (const hook of ['ingress', 'egress']) {
      tc(
        'filter',
        'add',
        'dev',
        's0',
        hook,
        'protocol',
        'all',
        'u32',
        'match',
        'u32',
        '0',
        '0',
        'action',
        'mirred',
        'egress',
        'mirror',
        'dev',
        'vx0',
      );
    }
  } catch (error) {
    remove();
    const e = error as { stderr?: Buffer; message: string };
    return { error: `cannot build the namespaces: ${e.stderr?.toString().trim() || e.message}` };
  }
  return { ...rig, remove };
}

export interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp, ms?: number): Promise<string>;
  stop(): Promise<number | null>;
}

/** Runs `command` (inside namespace `ns` when given); stopped by its own pid, SIGINT then SIGKILL. */
export function run(ns: string | undefined, command: string[], env: NodeJS.ProcessEnv = {}): Child {
  const argv = ns === undefined ? command : ['netns', 'exec', ns, ...command];
  const child = spawn(
    ns === undefined ? command[0]! : 'ip',
    ns === undefined ? command.slice(1) : argv,
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    async line(pattern, ms = 20_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = out.split('\n').find((l) => pattern.test(l));
        if (hit !== undefined) return hit;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(
            `${command.join(' ').slice(0, 80)}: no line ${pattern} (exit ${child.exitCode})\n${out}\n${err}`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The primary and the shadow: the same deterministic bodies, chunked and gzip among them. */
export const SERVER_JS = `
const http = require('http'), zlib = require('zlib');
const body = (name, n) => { const b = Buffer.alloc(n); let x = name.length * 7919; for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) & 0x7fffffff; b[i] = 97 + (x % 26); } return b; };
const [host, port] = process.argv.slice(-2);
const server = http.createServer((q, r) => {
  q.resume();
  const u = q.url;
  if (u === '/json') { const b = Buffer.from(JSON.stringify({ id: 1, name: 'widget', tags: ['a', 'b'] })); r.writeHead(200, { 'content-type': 'application/json', 'content-length': b.length }); r.end(q.method === 'HEAD' ? undefined : b); }
  else if (u === '/chunked') { r.writeHead(200, { 'content-type': 'text/plain' }); r.write(body('c1', 3000)); setTimeout(() => { r.write(body('c2', 5000)); r.end(body('c3', 10)); }, 5); }
  else if (u === '/gzip') { const b = zlib.gzipSync(body('g', 20000)); r.writeHead(200, { 'content-encoding': 'gzip', 'content-length': b.length }); r.end(b); }
  else if (u === '/gzip-chunked') { r.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' }); const z = zlib.createGzip(); z.pipe(r); z.write(body('z1', 8000)); setTimeout(() => z.end(body('z2', 8000)), 5); }
  else if (u === '/big') { const b = body('big', 200000); r.writeHead(200, { 'content-length': b.length }); r.end(b); }
  else { r.writeHead(404, { 'content-length': 0 }); r.end(); }
});
server.listen(Number(port), host, () => console.log('listening ' + server.address().port));
process.on('SIGINT', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
`;

/** Exchanges the client makes, on two keep-alive connections. */
export const CLIENT_REQUESTS: Array<[string, string]> = [
  ['GET', '/json'],
  ['GET', '/chunked'],
  ['GET', '/gzip'],
  ['HEAD', '/json'],
  ['GET', '/gzip-chunked'],
  ['GET', '/big'],
  ['GET', '/json'],
];

/** The real client: prints one JSON line per exchange with the sha256 of the raw body it got. */
export const CLIENT_JS = `
const http = require('http'), crypto = require('crypto');
const [host, port, list] = process.argv.slice(-3);
const requests = JSON.parse(list);
(async () => {
  for (const half of [requests.slice(0, 4), requests.slice(4)]) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (const [method, path] of half) {
      await new Promise((resolve, reject) => {
        const q = http.request({ host, port: Number(port), method, path, agent }, (r) => {
          const parts = []; r.on('data', (d) => parts.push(d));
          r.on('end', () => { const b = Buffer.concat(parts); console.log(JSON.stringify({ method, url: path, status: r.statusCode, size: b.length, sha: crypto.createHash('sha256').update(b).digest('hex'), encoding: r.headers['content-encoding'] || null, chunked: r.headers['transfer-encoding'] === 'chunked' })); resolve(); });
        });
        q.on('error', reject); q.end();
      });
    }
    agent.destroy();
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** Forwards every datagram to the ingest and prints it (base64) so the test can keep a pcap. */
export const RELAY_JS = `
const dgram = require('dgram');
const [listenHost, to] = process.argv.slice(-2);
const rx = dgram.createSocket('udp4'), tx = dgram.createSocket('udp4');
tx.bind(0, '127.0.0.1');
rx.on('message', (m) => { tx.send(m, Number(to), '127.0.0.1'); process.stdout.write('d ' + Date.now() + ' ' + m.toString('base64') + '\\n'); });
rx.bind(4789, listenHost, () => { rx.setRecvBufferSize(8 << 20); tx.setSendBufferSize(8 << 20); console.log('relaying'); });
process.on('SIGINT', () => process.exit(0));
`;
