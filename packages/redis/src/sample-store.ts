import {
  RouteStatsBuilder,
  STATS_HOUR_MS,
  STATS_MINUTE_MS,
  bucketStarts,
  statsBucketMs,
} from '@shadowdiff/engine';
import type {
  ExamplePair,
  ExamplesQuery,
  HalfSet,
  RouteStats,
  RouteSummary,
  SampleStore,
  SampleWrite,
  StatsQuery,
} from '@shadowdiff/engine';
import type { ChainableCommander, Redis } from 'ioredis';
import {
  deltaFields,
  exampleKey,
  parseFields,
  routePart,
  routesKey,
  statsKey,
} from './sample-store-keys.js';

export interface RedisSampleStoreOptions {
  /** The client to use; the caller owns (and closes) it. */
  client: Redis;
  /** Prefix of every key (`redis.keyPrefix`). Default `shadowdiff:`. */
  keyPrefix?: string;
  /** Example pairs kept per route x kind x path. Default 5 (`worker.examplesPerPath`). */
  examplesPerKey?: number;
  /** How long minute buckets live. Default 48 h. */
  minuteRetentionMs?: number;
  /** How long hour buckets (and the route index entries) live. Default 30 days. */
  hourRetentionMs?: number;
  /** How long an example list lives after its last write. Default 7 days. */
  exampleRetentionMs?: number;
}

/** HINCRBY many fields of one hash and refresh its TTL: one command per hash per batch. */
const HINCR_MANY = `
for i = 2, #ARGV - 1, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

interface WithHincrMany {
  sdHincrMany(key: string, ttlMs: number, ...fields: (string | number)[]): ChainableCommander;
}

interface StoredExample {
  verdict: ExamplePair['verdict'];
  halves: Record<string, string>;
}

function encodeExample(example: ExamplePair): string {
  const halves: Record<string, string> = {};
  for (const [role, bytes] of Object.entries(example.halves)) {
    halves[role] = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  }
  return JSON.stringify({ verdict: example.verdict, halves } satisfies StoredExample);
}

function decodeExample(text: string): ExamplePair {
  const stored = JSON.parse(text) as StoredExample;
  const halves: HalfSet = {};
  for (const [role, b64] of Object.entries(stored.halves)) {
    halves[role as keyof HalfSet] = Buffer.from(b64, 'base64');
  }
  return { verdict: stored.verdict, halves };
}

/**
 * {@link SampleStore} on Redis: per-route minute and hour hashes of counters (outcomes, diff paths
 * by severity, latency histograms, status classes), a route index, and capped example lists. A
 * batch's writes go out as one pipeline; counters are summed server-side, so any number of workers
 * add up.
 */
export class RedisSampleStore implements SampleStore {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #examplesPerKey: number;
  readonly #minuteRetentionMs: number;
  readonly #hourRetentionMs: number;
  readonly #exampleRetentionMs: number;

  constructor(options: RedisSampleStoreOptions) {
    this.#client = options.client;
    this.#prefix = options.keyPrefix ?? 'shadowdiff:';
    this.#examplesPerKey = options.examplesPerKey ?? 5;
    this.#minuteRetentionMs = options.minuteRetentionMs ?? 48 * STATS_HOUR_MS;
    this.#hourRetentionMs = options.hourRetentionMs ?? 30 * 24 * STATS_HOUR_MS;
    this.#exampleRetentionMs = options.exampleRetentionMs ?? 7 * 24 * STATS_HOUR_MS;
    if (!('sdHincrMany' in this.#client)) {
      this.#client.defineCommand('sdHincrMany', { numberOfKeys: 1, lua: HINCR_MANY });
    }
  }

  async record(write: SampleWrite): Promise<void> {
    if (write.stats.length === 0 && write.examples.length === 0) return;
    const now = Date.now();
    const pipe = this.#client.pipeline();
    const hincr = pipe as unknown as WithHincrMany;
    const seen = new Map<string, { service: string; route: string }>();
    for (const delta of write.stats) {
      const fields = deltaFields(delta);
      if (fields.length === 0) continue;
      const rk = routePart(delta.service, delta.route);
      const minute = Math.floor(delta.minute / STATS_MINUTE_MS) * STATS_MINUTE_MS;
      const hour = Math.floor(delta.minute / STATS_HOUR_MS) * STATS_HOUR_MS;
      hincr.sdHincrMany(
        statsKey(this.#prefix, 'm', minute, rk),
        this.#minuteRetentionMs + STATS_MINUTE_MS,
        ...fields,
      );
      hincr.sdHincrMany(
        statsKey(this.#prefix, 'h', hour, rk),
        this.#hourRetentionMs + STATS_HOUR_MS,
        ...fields,
      );
      seen.set(rk, { service: delta.service, route: delta.route });
    }
    const routes = routesKey(this.#prefix);
    for (const { service, route } of seen.values()) {
      pipe.zadd(routes, 'GT', now, JSON.stringify([service, route]));
    }
    if (seen.size > 0) pipe.zremrangebyscore(routes, '-inf', now - this.#hourRetentionMs);

    // Newest N per key: older examples of the same key in this batch would be trimmed at once.
    const byKey = new Map<string, string[]>();
    for (const e of write.examples) {
      const key = exampleKey(this.#prefix, e.service, e.route, e.kind, e.path);
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push(encodeExample(e.example));
      if (list.length > this.#examplesPerKey) list.shift();
    }
    for (const [key, values] of byKey) {
      pipe.lpush(key, ...values);
      pipe.ltrim(key, 0, this.#examplesPerKey - 1);
      pipe.pexpire(key, this.#exampleRetentionMs);
    }
    const results = await pipe.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed) throw failed[0]!;
  }

  async routes(options: { since?: number } = {}): Promise<RouteSummary[]> {
    const raw = await this.#client.zrevrangebyscore(
      routesKey(this.#prefix),
      '+inf',
      options.since ?? '-inf',
      'WITHSCORES',
    );
    const out: RouteSummary[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const [service, route] = JSON.parse(raw[i]!) as [string, string];
      out.push({ service, route, lastSeen: Number(raw[i + 1]) });
    }
    return out;
  }

  async stats(query: StatsQuery): Promise<RouteStats> {
    const width = statsBucketMs(query);
    const starts = bucketStarts(query.from, query.to, width);
    const rk = routePart(query.service, query.route);
    const tag = width === STATS_MINUTE_MS ? 'm' : 'h';
    const pipe = this.#client.pipeline();
    for (const at of starts) pipe.hgetall(statsKey(this.#prefix, tag, at, rk));
    const results = (await pipe.exec()) ?? [];
    const builder = new RouteStatsBuilder(query, width);
    starts.forEach((at, i) => {
      const [error, hash] = results[i] ?? [null, null];
      if (error) throw error;
      if (hash && Object.keys(hash).length > 0) {
        builder.add(at, parseFields(hash as Record<string, string>));
      }
    });
    return builder.build();
  }

  async examples(query: ExamplesQuery): Promise<ExamplePair[]> {
    const key = exampleKey(this.#prefix, query.service, query.route, query.kind, query.path);
    const stop = query.limit === undefined ? -1 : Math.max(0, query.limit) - 1;
    if (stop < -1 || query.limit === 0) return [];
    const raw = await this.#client.lrange(key, 0, stop);
    return raw.map(decodeExample);
  }
}
