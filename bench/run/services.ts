/**
 * The benchmark's primary and shadow in one child process: 50 routes (`/api/<name>/<id>`), a ~1 KB
 * JSON answer with a per-call sequence number (noise, learned) and, on the shadow, one drifting
 * field on every 10th id. Prints `<primaryPort> <shadowPort>` on stdout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ROUTES = Array.from(
  { length: 50 },
  (_, k) =>
    `res-${String.fromCharCode(97 + (k % 26))}${String.fromCharCode(97 + Math.floor(k / 26))}`,
);

function serve(side: 'primary' | 'shadow'): Promise<number> {
  let seq = side === 'shadow' ? 1_000_000 : 0;
  const items = Array.from({ length: 10 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: i + 1 }));
  const server = createServer((req, res) => {
    req.resume();
    const parts = (req.url ?? '/').split('/');
    const id = Number(parts[3] ?? 0);
    const body = Buffer.from(
      JSON.stringify({
        id,
        kind: parts[2],
        status: side === 'shadow' && id % 10 === 0 ? 'pending' : 'shipped',
        seq: (seq += 7),
        items,
        note: 'x'.repeat(600),
      }),
    );
    res
      .writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) })
      .end(body);
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

if (process.argv[1]?.endsWith('services.js')) {
  const [primary, shadow] = await Promise.all([serve('primary'), serve('shadow')]);
  process.stdout.write(`${primary} ${shadow}\n`);
  process.on('SIGTERM', () => process.exit(0));
}
