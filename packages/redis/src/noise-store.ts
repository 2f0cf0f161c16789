import {
  NOISE_SKETCH_SIZE,
  VALUE_CLASSES,
  estimateDistinct,
  noiseDecisionRecord,
  noiseId,
} from '@shadowdiff/engine';
import type {
  NoiseAspect,
  NoiseDecision,
  NoiseDecisionRecord,
  NoiseDelta,
  NoiseDiffKind,
  NoiseEntryStats,
  NoiseKey,
  NoiseMark,
  NoiseSnapshot,
  NoiseStore,
  RouteNoiseStats,
  SecondaryStats,
  ValueClass,
} from '@shadowdiff/engine';
import type { DiffOp } from '@shadowdiff/contracts';
import type { ChainableCommander, Redis } from 'ioredis';
import { ENTRY_FIELDS, classField, noiseKeys, routeId } from './noise-store-keys.js';
import { storeCall } from './store-error.js';

export interface RedisNoiseStoreOptions {
  /** The client to use; the caller owns (and closes) it. */
  client: Redis;
  /** Prefix of every key (`redis.keyPrefix`). Default `shadowdiff:`. */
  keyPrefix?: string;
  /**
   * How long statistics live after their last write. Default 30 days: a route that stops
   * receiving traffic forgets its evidence; decisions never expire.
   */
  retentionMs?: number;
}

/** Sets `learnedAt` and `learnedSamples` only on an entry that exists and has none. */
const MARK_LEARNED = `
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('HSETNX', KEYS[1], 'learnedAt', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'learnedSamples', ARGV[2])
  return 1
end
return 0
`;

interface WithMarkLearned {
  sdNoiseMarkLearnedV2(key: string, at: number, samples: number): ChainableCommander;
}

type IndexMeta = [route: string, kind: NoiseDiffKind, aspect: NoiseAspect, path: string];

const SEP = ' ';

function num(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

async function exec(pipe: ChainableCommander): Promise<unknown[]> {
  const results = (await pipe.exec()) ?? [];
  const failed = results.find(([error]) => error !== null);
  if (failed) throw failed[0]!;
  return results.map(([, value]) => value);
}

/**
 * {@link NoiseStore} on Redis, shared by the fleet. Per service: a hash of route pair counts, an
 * index of entries, one counter hash and one sorted-set KMV sketch (at most NOISE_SKETCH_SIZE
 * members, a listpack) per entry, secondary counters per route, and a hash of user decisions.
 * A window is two pipelined round trips: route counts first (their totals place a new entry's
 * `since`), then everything else. Counters are summed server-side, so workers add up.
 */
export class RedisNoiseStore implements NoiseStore {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #retentionMs: number;

  constructor(options: RedisNoiseStoreOptions) {
    this.#client = options.client;
    this.#prefix = options.keyPrefix ?? 'shadowdiff:';
    this.#retentionMs = options.retentionMs ?? 30 * 24 * 3_600_000;
    if (!('sdNoiseMarkLearnedV2' in this.#client)) {
      this.#client.defineCommand('sdNoiseMarkLearnedV2', { numberOfKeys: 1, lua: MARK_LEARNED });
    }
  }

  record(delta: NoiseDelta): Promise<void> {
    return storeCall('noise record', () => this.#record(delta));
  }

  async #record(delta: NoiseDelta): Promise<void> {
    if (delta.routes.length === 0) return;
    const p = this.#prefix;
    const { service } = delta;
    const routesKey = noiseKeys.routes(p, service);
    const counts = this.#client.pipeline();
    for (const r of delta.routes) counts.hincrby(routesKey, r.route, r.pairs);
    counts.pexpire(routesKey, this.#retentionMs);
    counts.sadd(noiseKeys.services(p), service);
    const totals = await exec(counts);

    const pipe = this.#client.pipeline();
    const indexKey = noiseKeys.index(p, service);
    delta.routes.forEach((r, i) => {
      const before = Number(totals[i]) - r.pairs;
      for (const e of r.entries) {
        const id = noiseId({
          service,
          route: r.route,
          kind: e.kind,
          aspect: e.aspect,
          path: e.path,
        });
        const ek = noiseKeys.entry(p, service, id);
        pipe.hset(
          indexKey,
          id,
          JSON.stringify([r.route, e.kind, e.aspect, e.path] satisfies IndexMeta),
        );
        pipe.hsetnx(ek, ENTRY_FIELDS.since, before + e.firstAt);
        const add = (field: string, n: number) => {
          if (n !== 0) pipe.hincrby(ek, field, n);
        };
        add(ENTRY_FIELDS.changes, e.changes);
        add(ENTRY_FIELDS.other, e.other);
        add(ENTRY_FIELDS.rises, e.rises);
        add(ENTRY_FIELDS.steps, e.steps);
        add(ENTRY_FIELDS.sortedPrimary, e.sortedPrimary);
        add(ENTRY_FIELDS.sortedShadow, e.sortedShadow);
        for (const [cls, n] of Object.entries(e.classes) as [ValueClass, number][]) {
          add(classField(cls), n);
        }
        pipe.pexpire(ek, this.#retentionMs);
        if (e.hashes.length > 0) {
          const sk = noiseKeys.sketch(p, service, id);
          const args: (string | number)[] = [];
          for (const h of e.hashes) args.push(h, h.toString(36));
          pipe.zadd(sk, ...args);
          pipe.zremrangebyrank(sk, NOISE_SKETCH_SIZE, -1);
          pipe.pexpire(sk, this.#retentionMs);
        }
      }
      if (r.secondary !== undefined) {
        const rid = routeId(r.route);
        const sk = noiseKeys.secondary(p, service, rid);
        pipe.hset(noiseKeys.secondaryIndex(p, service), rid, r.route);
        pipe.hincrby(sk, 'pairs', r.secondary.pairs);
        for (const s of r.secondary.paths) {
          const field = `${s.kind}${SEP}${s.op}${SEP}${s.path}`;
          if (s.secondary !== 0) pipe.hincrby(sk, `s${SEP}${field}`, s.secondary);
          if (s.shadow !== 0) pipe.hincrby(sk, `p${SEP}${field}`, s.shadow);
        }
        pipe.pexpire(sk, this.#retentionMs);
      }
    });
    pipe.pexpire(indexKey, this.#retentionMs);
    pipe.pexpire(noiseKeys.secondaryIndex(p, service), this.#retentionMs);
    await exec(pipe);
  }

  load(service: string): Promise<NoiseSnapshot> {
    return storeCall('noise load', () => this.#load(service));
  }

  async #load(service: string): Promise<NoiseSnapshot> {
    const p = this.#prefix;
    const [routesRaw, indexRaw, decisionsRaw, secIndexRaw] = (await exec(
      this.#client
        .pipeline()
        .hgetall(noiseKeys.routes(p, service))
        .hgetall(noiseKeys.index(p, service))
        .hgetall(noiseKeys.decisions(p, service))
        .hgetall(noiseKeys.secondaryIndex(p, service)),
    )) as Record<string, string>[];
    const index = Object.entries(indexRaw ?? {});
    const secIndex = Object.entries(secIndexRaw ?? {});
    const pipe = this.#client.pipeline();
    for (const [id] of index) {
      pipe.hgetall(noiseKeys.entry(p, service, id));
      pipe.zcard(noiseKeys.sketch(p, service, id));
      pipe.zrange(noiseKeys.sketch(p, service, id), -1, -1, 'WITHSCORES');
    }
    for (const [rid] of secIndex) pipe.hgetall(noiseKeys.secondary(p, service, rid));
    const results = index.length + secIndex.length > 0 ? await exec(pipe) : [];

    const routes = new Map<string, RouteNoiseStats>();
    const route = (name: string): RouteNoiseStats => {
      let r = routes.get(name);
      if (r === undefined) {
        r = { route: name, pairs: num(routesRaw?.[name]), entries: [] };
        routes.set(name, r);
      }
      return r;
    };
    for (const name of Object.keys(routesRaw ?? {})) route(name);
    const stale: string[] = [];
    index.forEach(([id, metaText], i) => {
      const hash = results[i * 3] as Record<string, string> | null;
      if (hash === null || Object.keys(hash).length === 0) {
        stale.push(id);
        return;
      }
      const [routeName, kind, aspect, path] = JSON.parse(metaText) as IndexMeta;
      const size = Number(results[i * 3 + 1]);
      const top = results[i * 3 + 2] as string[];
      const classes: Partial<Record<ValueClass, number>> = {};
      for (const cls of VALUE_CLASSES) {
        const n = num(hash[classField(cls)]);
        if (n > 0) classes[cls] = n;
      }
      const stats: NoiseEntryStats = {
        kind,
        aspect,
        path,
        since: num(hash[ENTRY_FIELDS.since]),
        changes: num(hash[ENTRY_FIELDS.changes]),
        other: num(hash[ENTRY_FIELDS.other]),
        classes,
        distinct: estimateDistinct(size, top.length > 1 ? Number(top[1]) : undefined),
        rises: num(hash[ENTRY_FIELDS.rises]),
        steps: num(hash[ENTRY_FIELDS.steps]),
        sortedPrimary: num(hash[ENTRY_FIELDS.sortedPrimary]),
        sortedShadow: num(hash[ENTRY_FIELDS.sortedShadow]),
      };
      if (hash[ENTRY_FIELDS.learnedAt] !== undefined) {
        stats.learnedAt = num(hash[ENTRY_FIELDS.learnedAt]);
        stats.learnedSamples = num(hash[ENTRY_FIELDS.learnedSamples]);
      }
      route(routeName).entries.push(stats);
    });
    secIndex.forEach(([, routeName], j) => {
      const hash = results[index.length * 3 + j] as Record<string, string> | null;
      if (hash === null || hash.pairs === undefined) return;
      const paths = new Map<string, SecondaryStats['paths'][number]>();
      for (const [field, value] of Object.entries(hash)) {
        if (field === 'pairs') continue;
        const [side, kind, op, ...rest] = field.split(SEP);
        const key = `${kind}${SEP}${op}${SEP}${rest.join(SEP)}`;
        let counts = paths.get(key);
        if (counts === undefined) {
          counts = {
            kind: kind as NoiseDiffKind,
            op: op as DiffOp,
            path: rest.join(SEP),
            secondary: 0,
            shadow: 0,
          };
          paths.set(key, counts);
        }
        if (side === 's') counts.secondary += num(value);
        else counts.shadow += num(value);
      }
      route(routeName).secondary = { pairs: num(hash.pairs), paths: [...paths.values()] };
    });
    if (stale.length > 0) {
      // Expired entries: drop them from the index (best effort, the next load retries).
      await this.#client.hdel(noiseKeys.index(p, service), ...stale).catch(() => 0);
    }
    const decisions = Object.values(decisionsRaw ?? {}).map(
      (text) => JSON.parse(text) as NoiseDecisionRecord,
    );
    return { service, routes: [...routes.values()], decisions };
  }

  services(): Promise<string[]> {
    return storeCall('noise services', () =>
      this.#client.smembers(noiseKeys.services(this.#prefix)),
    );
  }

  markLearned(marks: NoiseMark[], at: number): Promise<void> {
    if (marks.length === 0) return Promise.resolve();
    return storeCall('noise mark', async () => {
      const pipe = this.#client.pipeline();
      const mark = pipe as unknown as WithMarkLearned;
      for (const m of marks) {
        const key = noiseKeys.entry(this.#prefix, m.key.service, noiseId(m.key));
        mark.sdNoiseMarkLearnedV2(key, at, m.samples);
      }
      await exec(pipe);
    });
  }

  decide(
    key: NoiseKey,
    decision: NoiseDecision | undefined,
    at: number,
    note?: string,
  ): Promise<boolean> {
    return storeCall('noise decide', async () => {
      const dk = noiseKeys.decisions(this.#prefix, key.service);
      const id = noiseId(key);
      const multi = this.#client.multi().hexists(dk, id);
      if (decision === undefined) multi.hdel(dk, id);
      else {
        multi.hset(dk, id, JSON.stringify(noiseDecisionRecord(key, decision, at, note)));
        multi.sadd(noiseKeys.services(this.#prefix), key.service);
      }
      const [existed] = await exec(multi);
      return existed === 1;
    });
  }
}
