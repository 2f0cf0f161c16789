/** The benchmark's client: keep-alive GETs over the 50 routes. */
import { Agent, request } from 'node:http';
import { ROUTES } from './services.js';

export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

/**
 * Drives `total` GETs through `baseUrl` on CONNECTIONS keep-alive sockets; request n goes to route
 * n mod 50 with id ⌊n / 50⌋ mod 1000. Returns how many failed (not 200, or a socket error).
 */
export async function drive(baseUrl: string, total: number, offset = 0): Promise<number> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = 0;
  let failed = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const n = offset + i;
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: `/api/${ROUTES[n % ROUTES.length]}/${Math.floor(n / ROUTES.length) % 1000}`,
          agent,
        },
        (res) => {
          if (res.statusCode !== 200) failed++;
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end();
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < total) await one(next++);
    }),
  );
  agent.destroy();
  return failed;
}
