import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/**
 * The drift the demo seeds into the shadow, so its summary can be checked against the truth.
 * Everything else that differs between the two services is noise the engine must cancel on its own:
 * per-request ids, timestamps, `date`/`x-request-id`/`etag` headers, gzip on the shadow only.
 */
export const SEEDED_DRIFT = [
  {
    route: 'GET /orders/{id}',
    kind: 'body',
    path: '/total',
    what: 'number became a string on every 5th order',
  },
  {
    route: 'GET /orders/{id}',
    kind: 'status',
    path: 'status',
    what: 'shadow answers 503 on every 50th order',
  },
  {
    route: 'GET /catalog/{id}',
    kind: 'body',
    path: '/price',
    what: 'price 10% higher on every 3rd item',
  },
  {
    route: 'GET /catalog/{id}',
    kind: 'body',
    path: '/tags',
    what: 'field removed on every 5th item',
  },
] as const;

/** Routes whose answers match once noise is removed. */
export const CLEAN_ROUTES = ['GET /users/{id}', 'GET /health'] as const;

export type Side = 'primary' | 'shadow';

export interface SampleService {
  url: string;
  close(): Promise<void>;
}

function idOf(url: string, prefix: string): number | undefined {
  if (!url.startsWith(prefix)) return undefined;
  const id = Number.parseInt(url.slice(prefix.length).split(/[/?]/)[0] ?? '', 10);
  return Number.isFinite(id) ? id : undefined;
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  side: Side,
  status: number,
  body: unknown,
): void {
  const json = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': randomUUID(),
    etag: `"${randomUUID().slice(0, 8)}"`,
    server: side === 'primary' ? 'orders-v1/node' : 'orders-v2/node',
  };
  // The rewrite compresses; the old service does not. Decoded, the bytes are the same.
  if (side === 'shadow' && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
    res.writeHead(status, { ...headers, 'content-encoding': 'gzip' });
    res.end(gzipSync(json));
    return;
  }
  res.writeHead(status, headers);
  res.end(json);
}

function handle(side: Side, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const now = new Date();
  const order = idOf(url, '/orders/');
  if (order !== undefined) {
    if (side === 'shadow' && order % 50 === 7) {
      send(req, res, side, 503, { error: 'upstream pool exhausted' });
      return;
    }
    const total = Math.round(order * 13.37 * 100) / 100;
    send(req, res, side, 200, {
      id: order,
      status: order % 3 === 0 ? 'shipped' : 'pending',
      total: side === 'shadow' && order % 5 === 0 ? total.toFixed(2) : total,
      currency: 'EUR',
      items: [
        { sku: `SKU-${order % 17}`, qty: 1 + (order % 3), price: 9.99 },
        { sku: `SKU-${order % 23}`, qty: 1, price: 4.5 },
      ],
      requestId: randomUUID(),
      generatedAt: now.toISOString(),
    });
    return;
  }
  const item = idOf(url, '/catalog/');
  if (item !== undefined) {
    const price = 10 + (item % 40);
    const body: Record<string, unknown> = {
      id: item,
      name: `Item ${item}`,
      price: side === 'shadow' && item % 3 === 0 ? Math.round(price * 110) / 100 : price,
      tags: ['sale', `group-${item % 7}`],
      stock: { warehouse: 'A', count: item % 11 },
      updated: Math.floor(now.getTime() / 1000),
    };
    if (side === 'shadow' && item % 5 === 0) delete body.tags;
    send(req, res, side, 200, body);
    return;
  }
  const user = idOf(url, '/users/');
  if (user !== undefined) {
    send(req, res, side, 200, {
      id: user,
      name: `user-${user}`,
      plan: user % 2 === 0 ? 'pro' : 'free',
      session: randomUUID(),
      lastLogin: now.toUTCString(),
      score: 1 / 3 + (side === 'shadow' ? 1e-13 : 0),
    });
    return;
  }
  if (url.startsWith('/health')) {
    send(req, res, side, 200, { ok: true, at: now.toISOString() });
    return;
  }
  send(req, res, side, 404, { error: 'not found' });
}

/** Starts the sample primary or shadow on an ephemeral loopback port. */
export async function startSampleService(side: Side): Promise<SampleService> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(side, req, res));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request mix the demo drives: mostly reads across the four routes. */
export function demoPath(i: number): string {
  switch (i % 4) {
    case 0:
      return `/orders/${1000 + i}`;
    case 1:
      return `/catalog/${i}`;
    case 2:
      return `/users/${i}`;
    default:
      return i % 8 === 3 ? '/health' : `/orders/${1000 + i}?expand=items`;
  }
}

/**
 * The truth, recomputed from the request mix and the seeding rules above: per route, how many pairs
 * the first `requests` requests make and how many of them the shadow answers differently.
 */
export function seededTruth(requests: number): Map<string, { pairs: number; diffs: number }> {
  const out = new Map<string, { pairs: number; diffs: number }>();
  for (let i = 0; i < requests; i++) {
    const path = demoPath(i);
    const id = Number(path.split('/')[2]?.split('?')[0]);
    let route: string;
    let drift = false;
    if (path.startsWith('/orders/')) {
      route = 'GET /orders/{id}';
      drift = id % 50 === 7 || id % 5 === 0;
    } else if (path.startsWith('/catalog/')) {
      route = 'GET /catalog/{id}';
      drift = id % 3 === 0 || id % 5 === 0;
    } else if (path.startsWith('/users/')) {
      route = 'GET /users/{id}';
    } else {
      route = 'GET /health';
    }
    const row = out.get(route) ?? { pairs: 0, diffs: 0 };
    row.pairs++;
    if (drift) row.diffs++;
    out.set(route, row);
  }
  return out;
}
