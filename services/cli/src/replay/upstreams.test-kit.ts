import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { testCommandIo } from '@shadowdiff/testkit';
import { COMMANDS } from '../commands.js';
import { runCli } from '../run-cli.js';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Upstream {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export type Respond = (req: SeenRequest) => {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
};

/** A real HTTP server answering JSON; remembers every request it got. */
export async function startUpstream(respond: Respond): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      const answer = respond(request);
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, {
        'content-type': typeof answer.body === 'string' ? 'text/html' : 'application/json',
        ...answer.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The orders API of the tests: users and products are the same on both sides; the shadow's
 * `/api/orders/{id}` answers with a changed `total` (the seeded drift).
 */
export function ordersApi(role: 'primary' | 'shadow' | 'secondary', drift = true): Respond {
  return (req) => {
    const path = req.url.split('?')[0]!;
    const id = Number(path.split('/').pop());
    if (path.startsWith('/api/users/')) return { body: { id, name: `user ${id}` } };
    if (path.startsWith('/api/products/')) return { body: { id, price: id * 3 } };
    if (path.startsWith('/api/orders/')) {
      const total = role === 'shadow' && drift ? id * 10 + 1 : id * 10;
      return { body: { id, total, currency: 'EUR' } };
    }
    if (req.method === 'POST') return { status: 201, body: { created: true } };
    return { status: 404, body: { error: 'not found' } };
  };
}

/** Runs `shadowdiff <argv>` as the CLI does (flag parsing, config, the verb); returns its output. */
export async function cli(
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const t = testCommandIo(() => new MeterProvider().getMeter('replay-test'));
  const code = await runCli(argv, COMMANDS, t.io);
  return { code, stdout: t.stdout(), stderr: t.stderr() };
}
