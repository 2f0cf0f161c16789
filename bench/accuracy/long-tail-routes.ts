/**
 * The long-tail scenario (issue 14): many routes (20 area words x 10 resource words, no digit or
 * hex segment that would be templated), each seeing a handful of requests, zero config. Every
 * route carries seeded noise of the kinds of the classic scenario (scenario.ts) — UUID, ULID,
 * ISO clocks, tokens, counters, float jitter, epoch stamps under a non-time key, random headers,
 * gzip on the primary only, shuffled sets — plus, on a seeded share of routes, a shuffled `tags`
 * set, a shuffled array of `{id, …}` objects, a random 16-char base64url `cursor` and a `tookMs`
 * timing field. A few routes carry real drift: a removed array element, a changed sort order, a
 * type change, a status change, a removed field, a value change, a rounding change, a changed
 * content type (each on one route at every pair and one at ~30%), and one route is 3x slower on
 * the shadow (30 ms vs 10 ms of service time). Which request drifts is a pure function of its
 * number `n`, so the harness knows the truth for every verdict.
 */

const AREAS = [
  'billing',
  'catalog',
  'checkout',
  'shipping',
  'accounts',
  'payments',
  'reviews',
  'loyalty',
  'support',
  'returns',
  'pricing',
  'warehouse',
  'partners',
  'marketing',
  'profiles',
  'settings',
  'reports',
  'notices',
  'gifts',
  'stores',
];
const RESOURCES = [
  'orders',
  'users',
  'items',
  'invoices',
  'coupons',
  'carts',
  'tickets',
  'vouchers',
  'parcels',
  'quotes',
];
/** A third segment once the 200 area x resource pairs are used up. */
const VIEWS = ['summary', 'history', 'export', 'preview', 'status'];

/** Service time of every route on both sides; the slow route's shadow takes SLOW_MS. */
export const SERVICE_MS = 10;
export const SLOW_MS = 30;

export type Shape = 'order' | 'user' | 'list' | 'stock' | 'config';
const SHAPES: Shape[] = ['order', 'user', 'list', 'stock', 'config'];

/** A seeded real drift: where the verdict must name it. */
export interface Truth {
  /** The finding's (template) path. */
  path: string;
  /** The finding's concrete location, when the drift is one array element. */
  at?: string;
}

export type DriftKind =
  | 'removed-element'
  | 'sort-order'
  | 'type'
  | 'status'
  | 'value'
  | 'removed-field'
  | 'rounding'
  | 'content-type';

const DRIFTS: { kind: DriftKind; shape: Shape | undefined; label: string }[] = [
  { kind: 'removed-element', shape: 'order', label: '/items/*: first element removed' },
  { kind: 'sort-order', shape: 'list', label: '/results: sorted descending, not ascending' },
  { kind: 'type', shape: 'stock', label: '/stock: number -> string' },
  { kind: 'status', shape: undefined, label: 'status: 200 -> 503' },
  { kind: 'value', shape: 'order', label: '/total: value changed' },
  { kind: 'removed-field', shape: 'user', label: '/email: field removed' },
  { kind: 'rounding', shape: 'list', label: '/results/*/price: rounding changed' },
  { kind: 'content-type', shape: 'config', label: 'content-type: application/json -> text/plain' },
];

export interface LongTailRoute {
  index: number;
  /** Routes in the scenario: request `n` is pair `floor(n / of)` of route `n % of`. */
  of: number;
  /** The templated route the worker should name. */
  route: string;
  /** `/area/resource[/view]`, the request path's fixed part. */
  base: string;
  shape: Shape;
  /** Extra noise fields present on this route. */
  tags: boolean;
  members: boolean;
  cursor16: boolean;
  tookMs: boolean;
  drift?: { kind: DriftKind; share: number; label: string };
  /** The shadow is 3x slower on this route. */
  slow: boolean;
  /** Noise seeded on the route, for the report. */
  noise: string[];
}

/** A deterministic hash of (n, salt) in [0, 1). */
export function unit(n: number, salt: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) / 4_294_967_296;
}

const SHAPE_NOISE: Record<Shape, string[]> = {
  order: [
    'requestId UUID',
    'generatedAt ISO clock',
    'meta.renderToken base64url',
    'meta.seq counter',
    'tags shuffled',
    'score float jitter',
  ],
  user: ['session.csrf base64', 'lastSeen ISO clock', 'x-request-id, x-trace-token headers'],
  list: ['queryId ULID', 'cursor opaque token', 'facets shuffled objects (name key)'],
  stock: ['v epoch-ms under a non-time key', 'rev 16-hex token', 'x-cache-node header'],
  config: ['x-config-token, etag headers', 'loadedAt ISO clock'],
};

/** The scenario's routes: `count` of them, drift and slow routes spread over the table. */
export function longTailRoutes(count: number): LongTailRoute[] {
  const max = AREAS.length * RESOURCES.length * (1 + VIEWS.length);
  if (count < 20 || count > max)
    throw new Error(`ACCURACY_LT_ROUTES=${count}: use 20 to ${max} routes`);
  const routes: LongTailRoute[] = [];
  for (let i = 0; i < count; i++) {
    const area = AREAS[i % AREAS.length] as string;
    const resource = RESOURCES[Math.floor(i / AREAS.length) % RESOURCES.length] as string;
    const layer = Math.floor(i / (AREAS.length * RESOURCES.length));
    const base = `/${area}/${resource}${layer > 0 ? `/${VIEWS[layer - 1]}` : ''}`;
    const shape = SHAPES[(i + layer) % SHAPES.length] as Shape;
    const r: LongTailRoute = {
      index: i,
      of: count,
      route: shape === 'list' ? `GET ${base}` : `GET ${base}/{id}`,
      base,
      shape,
      tags: shape === 'order' || unit(i, 101) < 0.4,
      members: unit(i, 102) < 0.35,
      cursor16: unit(i, 103) < 0.3,
      tookMs: unit(i, 104) < 0.3,
      slow: false,
      noise: [],
    };
    routes.push(r);
  }
  const taken = new Set<number>();
  const pick = (salt: number, shape: Shape | undefined): LongTailRoute => {
    const start = Math.floor(unit(salt, 7) * count);
    for (let k = 0; k < count; k++) {
      const r = routes[(start + k) % count] as LongTailRoute;
      if (!taken.has(r.index) && (shape === undefined || r.shape === shape)) {
        taken.add(r.index);
        return r;
      }
    }
    throw new Error(`no free ${shape ?? 'any'} route left for a drift`);
  };
  DRIFTS.forEach((d, j) => {
    for (const share of [1, 0.3])
      pick(j * 2 + (share === 1 ? 0 : 1), d.shape).drift = { ...d, share };
  });
  pick(99, undefined).slow = true;
  for (const r of routes) {
    r.noise = [
      ...SHAPE_NOISE[r.shape],
      ...(r.tags && r.shape !== 'order' ? ['tags shuffled'] : []),
      ...(r.members ? ['members: {id,…} shuffled'] : []),
      ...(r.cursor16 ? ['cursor 16-char base64url'] : []),
      ...(r.tookMs ? ['tookMs timing'] : []),
    ];
  }
  return routes;
}

export const idOf = (n: number) => 100 + ((n * 7919) % 900);

/** Request path of request `n` on route `r`. */
export function requestPath(r: LongTailRoute, n: number): string {
  return r.shape === 'list' ? `${r.base}?q=item${n % 31}&n=${n}` : `${r.base}/${idOf(n)}?n=${n}`;
}

/**
 * Whether request `n` carries the route's drift: every pair, or (share < 1) that share of every
 * 10 consecutive pairs of the route, the phase set by the route, so some start on pair 1.
 */
export function drifts(r: LongTailRoute, n: number): boolean {
  if (r.drift === undefined) return false;
  if (r.drift.share >= 1) return true;
  const k = Math.floor(n / r.of);
  return (k * 3 + r.index) % 10 < Math.round(r.drift.share * 10);
}

export const ITEM_SKUS = ['A', 'B', 'C'];

/** The findings a verdict for request `n` must name (empty: a clean pair). */
export function truthOf(r: LongTailRoute, n: number): Truth[] {
  if (!drifts(r, n)) return [];
  switch (r.drift?.kind) {
    case 'removed-element':
      return [{ path: '/items/*', at: `/items[sku=${ITEM_SKUS[0]}-${idOf(n) % 7}]` }];
    case 'sort-order':
      return [{ path: '/results' }];
    case 'type':
      return [{ path: '/stock' }];
    case 'status':
      return [{ path: 'status' }];
    case 'value':
      return [{ path: '/total' }];
    case 'removed-field':
      return [{ path: '/email' }];
    case 'rounding':
      return [{ path: '/results/*/price' }];
    case 'content-type':
      return [{ path: 'content-type' }];
    default:
      return [];
  }
}
