/**
 * The accuracy scenario: two loopback services answering the same routes, the shadow with seeded
 * real drift on a known share of requests, both with seeded noise of every kind the learner must
 * take out on its own. Which request drifts, and where, is a pure function of its number `n`, so
 * the harness knows the truth for every verdict.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export type Role = 'primary' | 'shadow';

/** One route of the scenario and what is seeded on it. */
export interface RouteCase {
  /** The templated route the worker should name. */
  route: string;
  /** Request path of request `n`. */
  path(n: number): string;
  /** Real drifts of request `n`: the finding path the verdict must name (empty: a clean pair). */
  drift(n: number): string[];
  /** Seeded drift, for the report: path -> share of requests. */
  drifts: Record<string, number>;
  /** Seeded noise, for the report. */
  noise: string[];
}

/** A deterministic hash of (n, salt) in [0, 1). */
function unit(n: number, salt: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) / 4_294_967_296;
}

const seeded = (n: number, salt: number, share: number) => unit(n, salt) < share;

export const ROUTES: RouteCase[] = [
  {
    route: 'GET /orders/{id}',
    path: (n) => `/orders/${1000 + (n % 397)}?n=${n}`,
    drift: (n) => (seeded(n, 1, 0.05) ? ['/total'] : []),
    drifts: { '/total (value changed)': 0.05 },
    noise: [
      'requestId: UUID per request',
      'generatedAt: ISO clock',
      'meta.renderToken: base64url token per request',
      'meta.seq: per-process counter',
      'tags: set shuffled per response',
      'score: float jitter ~1e-7',
    ],
  },
  {
    route: 'GET /users/{id}',
    path: (n) => `/users/${500 + (n % 211)}?n=${n}`,
    drift: (n) => (seeded(n, 2, 0.03) ? ['/email'] : []),
    drifts: { '/email (field removed)': 0.03 },
    noise: [
      'gzip on the primary only',
      'session.csrf: base64 token per request',
      'lastSeen: ISO clock',
      'x-request-id, x-served-by, x-trace-token: random header values',
    ],
  },
  {
    route: 'GET /search',
    path: (n) => `/search?q=item${n % 31}&n=${n}`,
    drift: (n) => (seeded(n, 3, 0.04) ? ['/results/*/price'] : []),
    drifts: { '/results/*/price (rounding changed)': 0.04 },
    noise: [
      'queryId: ULID per request',
      'cursor: opaque token per request',
      'facets: set of objects shuffled per response',
      'took: nothing (identical)',
    ],
  },
  {
    route: 'GET /inventory/{id}',
    path: (n) => `/inventory/${7000 + (n % 503)}?n=${n}`,
    drift: (n) => (seeded(n, 4, 0.01) ? ['status'] : seeded(n, 5, 0.02) ? ['/stock'] : []),
    drifts: { 'status (200 -> 503)': 0.01, '/stock (number -> string)': 0.02 },
    noise: [
      'v: epoch-ms cache stamp, seconds apart, under a non-time key',
      'rev: 16-hex revision token per request',
      'x-cache-node: random header value',
    ],
  },
  {
    route: 'GET /config',
    path: (n) => `/config?n=${n}`,
    drift: (n) => (seeded(n, 6, 0.02) ? ['content-type'] : []),
    drifts: { 'content-type (application/json -> text/plain)': 0.02 },
    noise: ['x-config-token, etag, date: random header values', 'loadedAt: ISO clock'],
  },
];

/** Request number from the query string. */
function numberOf(url: URL): number {
  return Number(url.searchParams.get('n') ?? 0);
}

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

/** The body (and extra headers) of one answer; `role` decides noise and drift. */
function answer(
  role: Role,
  url: URL,
  state: { seq: number },
): { status: number; body: unknown; headers: Record<string, string> } {
  const n = numberOf(url);
  const shadow = role === 'shadow';
  const segments = url.pathname.split('/').filter(Boolean);
  const id = Number(segments[1] ?? 0);
  const random = { 'x-served-by': `${role}-${randomBytes(3).toString('hex')}` };
  switch (segments[0]) {
    case 'orders': {
      const drift = shadow && ROUTES[0]!.drift(n).length > 0;
      return {
        status: 200,
        headers: random,
        body: {
          id,
          status: 'paid',
          currency: 'EUR',
          total: 100 + (id % 50) + (drift ? 1 : 0),
          items: [{ sku: `A-${id % 7}`, qty: 1 + (id % 3), price: 10.5 }],
          createdAt: new Date(Date.UTC(2024, 0, 1 + (id % 28))).toISOString(),
          requestId: randomUUID(),
          generatedAt: new Date().toISOString(),
          meta: { renderToken: randomBytes(16).toString('base64url') + 'x1', seq: ++state.seq },
          tags: shuffle(['new', 'gift', 'fragile', 'express', 'eco']),
          score: ((id % 97) / 97 + 0.01) * (1 + (Math.random() - 0.5) * 4e-7),
        },
      };
    }
    case 'users': {
      const body: Record<string, unknown> = {
        id,
        name: `user ${id}`,
        email: `user${id}@example.com`,
        plan: id % 2 === 0 ? 'pro' : 'free',
        session: { csrf: randomBytes(24).toString('base64') },
        lastSeen: new Date(Date.now() - 1000).toISOString(),
        preferences: { theme: 'dark', locale: 'en' },
      };
      if (shadow && ROUTES[1]!.drift(n).length > 0) delete body.email;
      return {
        status: 200,
        headers: {
          ...random,
          'x-request-id': randomUUID(),
          'x-trace-token': randomBytes(12).toString('hex'),
        },
        body,
      };
    }
    case 'search': {
      const q = url.searchParams.get('q') ?? '';
      const drift = shadow && ROUTES[2]!.drift(n).length > 0;
      const base = q.length * 3;
      return {
        status: 200,
        headers: random,
        body: {
          query: q,
          queryId: ulid(),
          results: [0, 1, 2].map((i) => ({
            id: `${q}-${i}`,
            name: `Item ${q} #${i}`,
            price: Math.round((base + i * 1.25) * 100) / 100 + (drift && i === 1 ? 0.01 : 0),
          })),
          facets: shuffle([
            { name: 'colour', count: 3 },
            { name: 'size', count: 5 },
            { name: 'brand', count: 2 },
            { name: 'material', count: 4 },
          ]),
          cursor: randomBytes(20).toString('base64url') + 'q7',
        },
      };
    }
    case 'inventory': {
      const [statusDrift, typeDrift] = [
        shadow && ROUTES[3]!.drift(n)[0] === 'status',
        shadow && ROUTES[3]!.drift(n)[0] === '/stock',
      ];
      if (statusDrift) return { status: 503, headers: random, body: { error: 'unavailable' } };
      const stock = id % 13;
      return {
        status: 200,
        headers: { ...random, 'x-cache-node': randomBytes(4).toString('hex') },
        body: {
          sku: `SKU-${id}`,
          stock: typeDrift ? String(stock) : stock,
          warehouse: `W${id % 4}`,
          v: Date.now() - Math.floor(Math.random() * 60_000) - 5_000,
          rev: randomBytes(8).toString('hex'),
        },
      };
    }
    default:
      return {
        status: 200,
        headers: {
          ...random,
          'x-config-token': randomBytes(10).toString('base64url'),
          etag: `"${randomBytes(6).toString('hex')}"`,
        },
        body: {
          features: { checkout: true, search: 'v2', limits: { cart: 50 } },
          version: '1.2.3',
          loadedAt: new Date().toISOString(),
        },
      };
  }
}

export interface ScenarioService {
  url: string;
  /** Requests served without / with the marker header (self-check copies on the primary). */
  counts: { plain: number; marked: number };
  close(): Promise<void>;
}

/**
 * One side of the scenario on 127.0.0.1. The primary gzips JSON when the client accepts it (the
 * shadow never does); `/config` on the shadow answers text/plain on its seeded drift requests.
 * Requests carrying `markerHeader` (lower case) are counted apart from client traffic.
 */
export async function startService(
  role: Role,
  markerHeader = 'x-shadow-request',
): Promise<ScenarioService> {
  const state = { seq: role === 'primary' ? 40_000 : 100 };
  const counts = { plain: 0, marked: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.headers[markerHeader] !== undefined) counts.marked++;
      else counts.plain++;
      const url = new URL(req.url ?? '/', 'http://scenario');
      const { status, body, headers } = answer(role, url, state);
      let bytes = Buffer.from(JSON.stringify(body));
      const contentType =
        role === 'shadow' &&
        url.pathname === '/config' &&
        ROUTES[4]!.drift(numberOf(url)).length > 0
          ? 'text/plain'
          : 'application/json';
      const out: Record<string, string> = { ...headers, 'content-type': contentType };
      if (role === 'primary' && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        bytes = gzipSync(bytes);
        out['content-encoding'] = 'gzip';
      }
      out['content-length'] = String(bytes.length);
      res.writeHead(status, out);
      res.end(bytes);
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
