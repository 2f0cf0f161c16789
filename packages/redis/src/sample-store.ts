import {
  DIFF_SETS_PER_BUCKET,
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
  diffSetFields,
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

/**
 * Adds diff-set counts to one hash, keeping at most ARGV[1] distinct sets (their number lives in
 * field `cn`): a set seen first past the cap only adds to `cx`, so a route with endlessly varied
 * findings never grows the hash without bound.
 */
const DIFF_SETS_CAPPED = `
local cap = tonumber(ARGV[1])
local n = tonumber(redis.call('HGET', KEYS[1], 'cn') or '0')
for i = 2, #ARGV - 1, 2 do
  local f = ARGV[i]
  local c = tonumber(ARGV[i + 1])
  if redis.call('HEXISTS', KEYS[1], f) == 1 then
    redis.call('HINCRBY', KEYS[1], f, c)
  elseif n < cap then
    redis.call('HINCRBY', KEYS[1], f, c)
    n = n + 1
    redis.call('HINCRBY', KEYS[1], 'cn', 1)
  else
    redis.call('HINCRBY', KEYS[1], 'cx', c)
  end
end
return 1
`;

/**
 * Sums the fields of every given hash server-side and returns the merged field/value list: a
 * range of 60 minute buckets comes back as one small reply instead of 60 (the overview's read).
 */
const MERGE_HASHES = `
local acc = {}
local order = {}
for i = 1, #KEYS do
  local flat = redis.call('HGETALL', KEYS[i])
  for j = 1, #flat, 2 do
    local f = flat[j]
    local v = acc[f]
    if v == nil then
      order[#order + 1] = f
      acc[f] = tonumber(flat[j + 1])
    else
      acc[f] = v + tonumber(flat[j + 1])
    end
  end
end
local out = {}
for i = 1, #order do
  out[#out + 1] = order[i]
  out[#out + 1] = tostring(acc[order[i]])
end
return out
`;

interface WithHincrMany {
  sdHincrMany(key: string, ttlMs: number, ...fields: (string | number)[]): ChainableCommander;
  sdMergeHashes(keyCount: number, ...keys: string[]): ChainableCommander;
  sdDiffSets(key: string, cap: number, ...fields: (string | number)[]): ChainableCommander;
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
    if (!('sdMergeHashes' in this.#client)) {
      this.#client.defineCommand('sdMergeHashes', { lua: MERGE_HASHES });
    }
    if (!('sdDiffSets' in this.#client)) {
      this.#client.defineCommand('sdDiffSets', { numberOfKeys: 1, lua: DIFF_SETS_CAPPED });
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
      const sets = diffSetFields(delta);
      if (sets.length > 0) {
        hincr.sdDiffSets(statsKey(this.#prefix, 'm', minute, rk), DIFF_SETS_PER_BUCKET, ...sets);
        hincr.sdDiffSets(statsKey(this.#prefix, 'h', hour, rk), DIFF_SETS_PER_BUCKET, ...sets);
      }
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

  async statsMany(queries: StatsQuery[]): Promise<RouteStats[]> {
    if (queries.length === 0) return [];
    const pipe = this.#client.pipeline() as unknown as ChainableCommander & WithHincrMany;
    const plans = queries.map((query) => {
      const width = statsBucketMs(query);
      const keys = this.#mergeKeys(query, width);
      pipe.sdMergeHashes(keys.length, ...keys);
      return { query, width };
    });
    const results = (await pipe.exec()) ?? [];
    return plans.map(({ query, width }, i) => {
      const [error, flat] = results[i] ?? [null, []];
      if (error) throw error;
      const hash: Record<string, string> = {};
      const list = (flat ?? []) as string[];
      for (let j = 0; j + 1 < list.length; j += 2) hash[list[j]!] = list[j + 1]!;
      const builder = new RouteStatsBuilder(query, width);
      if (list.length > 0) builder.add(query.from, parseFields(hash));
      return { ...builder.build(), series: [] };
    });
  }

  /**
   * The buckets whose sum is exactly what `stats` reads: for a minute-width range, every hour that
   * lies wholly inside it is read as its hour bucket (same counts, written in the same pipeline)
   * and only the edges as minutes — a 6 h range is ~120 keys instead of 360.
   */
  #mergeKeys(query: StatsQuery, width: number): string[] {
    const rk = routePart(query.service, query.route);
    if (width !== STATS_MINUTE_MS) {
      return bucketStarts(query.from, query.to, width).map((at) =>
        statsKey(this.#prefix, 'h', at, rk),
      );
    }
    const keys: string[] = [];
    const minutes = bucketStarts(query.from, query.to, STATS_MINUTE_MS);
    const first = minutes[0];
    for (let i = 0; i < minutes.length;) {
      const at = minutes[i]!;
      const lastMinute = at + STATS_HOUR_MS - STATS_MINUTE_MS;
      if (at % STATS_HOUR_MS === 0 && first !== undefined && at >= first && lastMinute < query.to) {
        keys.push(statsKey(this.#prefix, 'h', at, rk));
        i += STATS_HOUR_MS / STATS_MINUTE_MS;
      } else {
        keys.push(statsKey(this.#prefix, 'm', at, rk));
        i++;
      }
    }
    return keys;
  }

  async examples(query: ExamplesQuery): Promise<ExamplePair[]> {
    const key = exampleKey(this.#prefix, query.service, query.route, query.kind, query.path);
    const stop = query.limit === undefined ? -1 : Math.max(0, query.limit) - 1;
    if (stop < -1 || query.limit === 0) return [];
    const raw = await this.#client.lrange(key, 0, stop);
    return raw.map(decodeExample);
  }
}
