import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_JS, makeRig, run } from '../../test/e2e/helpers/vpc-netns.js';
import type { Child } from '../../test/e2e/helpers/vpc-netns.js';

const RATE = Number(process.env.BENCH_RATE ?? 400);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const P99_ROUNDS = Number(process.env.BENCH_P99_ROUNDS ?? 4);
const CLI = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../services/cli/dist/main.js',
);

/** Fixed-rate keep-alive load (open loop: a slow answer does not slow the schedule); prints p50/p99. */
const LOAD_JS = `
const http = require('http');
const [host, port, rate, seconds] = process.argv.slice(-4).map((v, i) => (i === 0 ? v : Number(v)));
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const lat = []; let done = 0; const total = rate * seconds; const t0 = performance.now();
for (let i = 0; i < total; i++) {
  setTimeout(() => {
    const s = performance.now();
    http.get({ host, port, path: '/json', agent }, (r) => { r.resume(); r.on('end', () => { lat.push(performance.now() - s); if (++done === total) finish(); }); }).on('error', () => { if (++done === total) finish(); });
  }, (i * 1000) / rate);
}
function finish() { lat.sort((a, b) => a - b); const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]; console.log(JSON.stringify({ n: lat.length, p50: q(0.5), p99: q(0.99), ms: performance.now() - t0 })); agent.destroy(); }
`;

function tc(ns: string, args: string[]): void {
  execFileSync('ip', ['netns', 'exec', ns, 'tc', ...args], { stdio: 'pipe' });
}

/** Part 2: the primary's p99 at a fixed load, mirroring on vs off, alternated in rounds. */
export async function primaryP99(): Promise<void> {
  const rig = makeRig();
  if ('error' in rig) {
    console.log(`\nprimary p99, mirroring on vs off: skipped (${rig.error})`);
    return;
  }
  const children: Child[] = [];
  try {
    const start = (ns: string, argv: string[]) => {
      const c = run(ns, argv);
      children.push(c);
      return c;
    };
    await start(rig.ingest, ['node', '-e', SERVER_JS, '127.0.0.1', '9090']).line(/^listening/);
    const ingest = start(rig.ingest, [
      'node',
      CLI,
      'vpc-ingest',
      '--listen',
      '10.231.2.2:4789',
      '--admin-listen',
      '127.0.0.1:0',
      '--shadow',
      'http://127.0.0.1:9090',
      '--server-port',
      '8080',
      '--embedded',
      '--console-listen',
      '127.0.0.1:0',
    ]);
    await ingest.line(/:4789$/);
    await start(rig.server, ['node', '-e', SERVER_JS, '10.231.1.2', '8080']).line(/^listening/);
    const mirror = (on: boolean) => {
      for (const hook of ['ingress', 'egress']) {
        if (on)
          tc(rig.server, [
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
          ]);
        else tc(rig.server, ['filter', 'del', 'dev', 's0', hook]);
      }
    };
    const load = async () => {
      const c = start(rig.client, [
        'node',
        '-e',
        LOAD_JS,
        '10.231.1.2',
        '8080',
        String(RATE),
        String(SECONDS),
      ]);
      return JSON.parse(await c.line(/^\{/, (SECONDS + 30) * 1000)) as {
        n: number;
        p50: number;
        p99: number;
      };
    };
    console.log(
      `\nprimary p99 at ${RATE} req/s for ${SECONDS} s per run, mirroring (tc mirred -> vxlan -> vpc-ingest --embedded, replaying to a shadow) on vs off`,
    );
    mirror(false);
    await load(); // warm-up
    const ratios: number[] = [];
    for (let round = 0; round < P99_ROUNDS; round++) {
      const off = await load();
      mirror(true);
      const on = await load();
      mirror(false);
      ratios.push(on.p99 / off.p99);
      console.log(
        `  round ${round + 1}: off p50 ${off.p50.toFixed(2)} p99 ${off.p99.toFixed(2)} ms · on p50 ${on.p50.toFixed(2)} p99 ${on.p99.toFixed(2)} ms · p99 on/off ${(on.p99 / off.p99).toFixed(2)}x`,
      );
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(
      `  p99 on/off: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}x, spread ${sorted[0]!.toFixed(2)}-${sorted[sorted.length - 1]!.toFixed(2)}x`,
    );
  } finally {
    for (const c of children.reverse()) await c.stop();
    rig.remove();
  }
}
