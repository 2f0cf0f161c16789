/**
 * The long-tail scenario's two services (routes and seeded truth in long-tail-routes.ts): each
 * answer is built from the route's shape, its extra noise fields and, on the shadow, its drift.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ITEM_SKUS, SERVICE_MS, SLOW_MS, drifts } from './long-tail-routes.js';
import type { DriftKind, LongTailRoute } from './long-tail-routes.js';
import type { Role } from './scenario.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function ulid(): string {
  const bytes = randomBytes(26);
  let out = String(bytes[0]! % 8);
  for (let i = 1; i < 26; i++) out += CROCKFORD[bytes[i]! % 32];
  return out;
}

function shuffle<T>(items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  contentType: string;
}

function shapeBody(
  r: LongTailRoute,
  drift: DriftKind | undefined,
  url: URL,
  id: number,
  state: { seq: number },
  headers: Record<string, string>,
): Record<string, unknown> {
  switch (r.shape) {
    case 'order': {
      const items = ITEM_SKUS.map((s, i) => ({
        sku: `${s}-${(id + i) % 7}`,
        qty: 1 + ((id + i) % 3),
        price: 10.5 + i,
      }));
      return {
        id,
        status: 'paid',
        currency: 'EUR',
        total: 100 + (id % 50) + (drift === 'value' ? 1 : 0),
        items: drift === 'removed-element' ? items.slice(1) : items,
        createdAt: new Date(Date.UTC(2024, 0, 1 + (id % 28))).toISOString(),
        requestId: randomUUID(),
        generatedAt: new Date().toISOString(),
        meta: { renderToken: randomBytes(16).toString('base64url') + 'x1', seq: ++state.seq },
        score: ((id % 97) / 97 + 0.01) * (1 + (Math.random() - 0.5) * 4e-7),
      };
    }
    case 'user': {
      headers['x-request-id'] = randomUUID();
      headers['x-trace-token'] = randomBytes(12).toString('hex');
      const body: Record<string, unknown> = {
        id,
        name: `user ${id}`,
        email: `user${id}@example.com`,
        plan: id % 2 === 0 ? 'pro' : 'free',
        session: { csrf: randomBytes(24).toString('base64') },
        lastSeen: new Date(Date.now() - 1000).toISOString(),
        preferences: { theme: 'dark', locale: 'en' },
      };
      if (drift === 'removed-field') delete body.email;
      return body;
    }
    case 'list': {
      const q = url.searchParams.get('q') ?? '';
      const base = q.length * 3;
      const results = [0, 1, 2, 3, 4].map((i) => ({
        id: `${q}-${i}`,
        name: `Item ${q} #${i}`,
        price:
          Math.round((base + i * 1.25) * 100) / 100 + (drift === 'rounding' && i === 1 ? 0.01 : 0),
      }));
      return {
        query: q,
        queryId: ulid(),
        results: drift === 'sort-order' ? results.reverse() : results,
        facets: shuffle([
          { name: 'colour', count: 3 },
          { name: 'size', count: 5 },
          { name: 'brand', count: 2 },
          { name: 'material', count: 4 },
        ]),
        ...(r.cursor16 ? {} : { cursor: randomBytes(20).toString('base64url') + 'q7' }),
      };
    }
    case 'stock': {
      headers['x-cache-node'] = randomBytes(4).toString('hex');
      const stock = id % 13;
      return {
        sku: `SKU-${id}`,
        stock: drift === 'type' ? String(stock) : stock,
        warehouse: `W${id % 4}`,
        v: Date.now() - Math.floor(Math.random() * 60_000) - 5_000,
        rev: randomBytes(8).toString('hex'),
      };
    }
    default:
      headers['x-config-token'] = randomBytes(10).toString('base64url');
      headers.etag = `"${randomBytes(6).toString('hex')}"`;
      return {
        features: { checkout: true, search: 'v2', limits: { cart: 50 } },
        version: '1.2.3',
        loadedAt: new Date().toISOString(),
      };
  }
}

function answer(r: LongTailRoute, role: Role, url: URL, state: { seq: number }): Answer {
  const n = Number(url.searchParams.get('n') ?? 0);
  const drift = role === 'shadow' && drifts(r, n) ? r.drift?.kind : undefined;
  const headers: Record<string, string> = {
    'x-served-by': `${role}-${randomBytes(3).toString('hex')}`,
  };
  if (drift === 'status')
    return {
      status: 503,
      headers,
      body: { error: 'unavailable' },
      contentType: 'application/json',
    };
  const segments = url.pathname.split('/').filter(Boolean);
  const id = Number(segments[segments.length - 1]) || 0;
  const body = shapeBody(r, drift, url, id, state, headers);
  if (r.tags) body.tags = shuffle(['new', 'gift', 'fragile', 'express', 'eco']);
  if (r.members)
    body.members = shuffle(
      ['owner', 'editor', 'viewer', 'billing', 'auditor'].map((role, i) => ({
        id: 10 + i,
        role,
        active: i % 2 === 0,
      })),
    );
  if (r.cursor16) body.cursor = randomBytes(12).toString('base64url');
  if (r.tookMs) body.tookMs = 2 + Math.floor(Math.random() * 40);
  return {
    status: 200,
    headers,
    body,
    contentType: drift === 'content-type' ? 'text/plain' : 'application/json',
  };
}

export interface LongTailService {
  url: string;
  /** Requests served: from clients (and the tap's copies), and those carrying the marker header. */
  counts: { plain: number; marked: number };
  close(): Promise<void>;
}

/**
 * One side of the long-tail scenario on 127.0.0.1. Every answer takes SERVICE_MS (the slow
 * route's shadow SLOW_MS); the primary gzips JSON when the client accepts it. Requests carrying
 * `markerHeader` (the self-check's second copies on the primary) are counted apart.
 */
export async function startLongTailService(
  role: Role,
  routes: LongTailRoute[],
  markerHeader = 'x-shadow-request',
): Promise<LongTailService> {
  const byBase = new Map(routes.map((r) => [r.base, r]));
  const state = { seq: role === 'primary' ? 40_000 : 100 };
  const counts = { plain: 0, marked: 0 };
  const marker = markerHeader.toLowerCase();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.headers[marker] !== undefined) counts.marked++;
      else counts.plain++;
      const url = new URL(req.url ?? '/', 'http://scenario');
      const r = byBase.get(url.pathname) ?? byBase.get(url.pathname.replace(/\/[^/]*$/, ''));
      if (r === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"no such route"}');
        return;
      }
      const { status, body, headers, contentType } = answer(r, role, url, state);
      let bytes = Buffer.from(JSON.stringify(body));
      const out: Record<string, string> = { ...headers, 'content-type': contentType };
      if (role === 'primary' && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        bytes = gzipSync(bytes);
        out['content-encoding'] = 'gzip';
      }
      out['content-length'] = String(bytes.length);
      setTimeout(
        () => {
          res.writeHead(status, out);
          res.end(bytes);
        },
        role === 'shadow' && r.slow ? SLOW_MS : SERVICE_MS,
      );
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
