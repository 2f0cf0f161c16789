import type { Role } from '@shadowdiff/contracts';
import type {
  Clock,
  ExpireResult,
  HalfOffer,
  HalfSet,
  OfferResult,
  PairOffer,
  PairOfferResult,
  PendingStore,
} from '@shadowdiff/engine';
import type { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX, keys } from './keys.js';
import { defineScripts, runScript } from './scripts.js';
import type { ScriptArg, ScriptName } from './scripts.js';
import { storeCall } from './store-error.js';

export interface RedisPendingStoreOptions {
  /**
   * Connection to use (the caller owns and closes it). Give it a small `maxRetriesPerRequest`
   * (e.g. 2) so calls fail fast with a retriable error while Redis restarts, instead of hanging.
   */
  redis: Redis;
  /** Every key starts with this. Default `shadowdiff:` (the config's `redis.keyPrefix`). */
  keyPrefix?: string;
  /**
   * How long a pending trace outlives its deadline, so a late or retried orphan timeout still
   * finds its halves. Default 60 000 ms.
   */
  marginMs?: number;
  /**
   * How long a claimed or decided trace is remembered: halves of a claim awaiting `markEmitted`,
   * verdict dedupe, and late/duplicate detection. Redis memory ≈ traces/s × this × ~200 B.
   * Default 120 000 ms.
   */
  decidedTtlMs?: number;
  /**
   * When set, `offer` writes each new trace's deadline into this ZSET and removes it on pairing,
   * in the same script (the swept scheduler's index: no separate `schedule` round trip, and no
   * crash window between storing a half and arming its timeout). Default: none.
   */
  deadlineIndexKey?: string | null;
  /** Most offers or trace ids per script call; larger batches are pipelined. Default 256. */
  maxPerCall?: number;
  /** Time source for pending TTLs. Default `Date.now`. */
  clock?: Clock;
}

type RawReply = [number, ...(Buffer | number)[]];

interface PendingExpire {
  traceId: string;
  resolve: (result: ExpireResult) => void;
  reject: (error: unknown) => void;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * {@link PendingStore} on Redis: one hash per trace, and one Lua script per operation, so every
 * transition is atomic across the fleet. Batches go out as one script call per `maxPerCall` items,
 * pipelined: one round trip per `offer`, `markEmitted`, or tick's worth of `expire` calls.
 */
export class RedisPendingStore implements PendingStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #marginMs: number;
  readonly #decidedTtl: string;
  readonly #indexKey: string | null;
  readonly #maxPerCall: number;
  readonly #clock: Clock;
  #expires: PendingExpire[] = [];

  constructor(options: RedisPendingStoreOptions) {
    this.#redis = options.redis;
    this.#prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.#marginMs = options.marginMs ?? 60_000;
    this.#decidedTtl = String(options.decidedTtlMs ?? 120_000);
    this.#indexKey = options.deadlineIndexKey ?? null;
    this.#maxPerCall = options.maxPerCall ?? 256;
    this.#clock = options.clock ?? systemClock;
    defineScripts(this.#redis);
  }

  /** The trace hash's key, for diagnostics and tests. */
  traceKey(traceId: string): string {
    return keys.trace(this.#prefix, traceId);
  }

  async offer(offers: readonly HalfOffer[]): Promise<OfferResult[]> {
    if (offers.length === 0) return [];
    const now = this.#clock.now();
    const calls = this.#indexedCalls(offers, (offer) => [
      offer.traceId,
      offer.role,
      asBuffer(offer.half),
      offer.expected.join(','),
      Math.round(offer.deadlineAt),
      Math.ceil(Math.max(offer.deadlineAt - now, 0) + this.#marginMs),
    ]);
    const replies = await storeCall('offer', () => this.#run('sdOfferV2', calls));
    return replies.flat().map((reply) => toOfferResult(reply as RawReply));
  }

  async claimPairs(pairs: readonly PairOffer[]): Promise<PairOfferResult[]> {
    if (pairs.length === 0) return [];
    const calls = this.#indexedCalls(pairs, (pair) => [pair.traceId, pair.expected.join(',')]);
    const replies = await storeCall('claimPairs', () => this.#run('sdClaimPairsV1', calls));
    return replies.flat().map((reply) => toPairOfferResult(reply as RawReply));
  }

  /**
   * Script calls of at most `maxPerCall` traces in the layout the offer and claim scripts share:
   * KEYS = deadline index, then the trace hashes; ARGV = index flag, decided TTL, then each item's args.
   */
  #indexedCalls<T extends { traceId: string }>(
    items: readonly T[],
    argsOf: (item: T) => ScriptArg[],
  ): { keys: string[]; args: ScriptArg[] }[] {
    return chunk(items, this.#maxPerCall).map((part) => {
      const args: ScriptArg[] = [this.#indexKey === null ? '0' : '1', this.#decidedTtl];
      for (const item of part) args.push(...argsOf(item));
      const traceKeys = part.map((item) => this.traceKey(item.traceId));
      return { keys: [this.#indexKey ?? this.traceKey('-'), ...traceKeys], args };
    });
  }

  /** Coalesces the `expire` calls made in one tick into one script call (per `maxPerCall`). */
  expire(traceId: string): Promise<ExpireResult> {
    return new Promise((resolve, reject) => {
      this.#expires.push({ traceId, resolve, reject });
      if (this.#expires.length === 1) queueMicrotask(() => void this.#flushExpires());
    });
  }

  async markEmitted(traceIds: readonly string[]): Promise<boolean[]> {
    if (traceIds.length === 0) return [];
    const calls = chunk(traceIds, this.#maxPerCall).map((part) => ({
      keys: part.map((traceId) => this.traceKey(traceId)),
      args: [this.#decidedTtl],
    }));
    const replies = await storeCall('markEmitted', () => this.#run('sdMarkEmittedV1', calls));
    return replies.flat().map((reply) => reply === 1);
  }

  async #flushExpires(): Promise<void> {
    const batch = this.#expires;
    this.#expires = [];
    try {
      const calls = chunk(batch, this.#maxPerCall).map((part) => ({
        keys: part.map((item) => this.traceKey(item.traceId)),
        args: [this.#decidedTtl],
      }));
      const replies = (await storeCall('expire', () => this.#run('sdExpireV1', calls))).flat();
      batch.forEach((item, i) => item.resolve(toExpireResult(replies[i] as RawReply)));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  /** One script call, or a pipeline of them: either way one round trip. */
  async #run(
    name: ScriptName,
    calls: { keys: string[]; args: ScriptArg[] }[],
  ): Promise<unknown[][]> {
    if (calls.length === 1) {
      const only = calls[0]!;
      return [(await runScript(this.#redis, name, only.keys, only.args)) as unknown[]];
    }
    const pipeline = this.#redis.pipeline();
    for (const call of calls) void runScript(pipeline, name, call.keys, call.args);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, reply]) => {
      if (error) throw error;
      return reply as unknown[];
    });
  }
}

function toOfferResult(reply: RawReply): OfferResult {
  switch (reply[0]) {
    case 0:
      return { kind: 'waiting' };
    case 1:
      return { kind: 'paired', halves: toHalves(reply) };
    case 2:
      return { kind: 'duplicate' };
    default:
      return { kind: 'late', decided: String(reply[1]) === 'orphan' ? 'orphan' : 'paired' };
  }
}

function toPairOfferResult(reply: RawReply): PairOfferResult {
  if (reply[0] === 1) return { kind: 'paired' };
  const decided = String(reply[reply.length - 1]) === 'orphan' ? 'orphan' : 'paired';
  return {
    kind: 'decided',
    roles: reply
      .slice(1, -1)
      .map((code) => (code === 2 ? { kind: 'duplicate' } : { kind: 'late', decided })),
  };
}

function toExpireResult(reply: RawReply): ExpireResult {
  return reply[0] === 1 ? { kind: 'orphan', halves: toHalves(reply) } : { kind: 'gone' };
}

function toHalves(reply: RawReply): HalfSet {
  const halves: HalfSet = {};
  for (let i = 1; i + 1 < reply.length; i += 2) {
    const half = reply[i + 1];
    if (Buffer.isBuffer(half)) halves[String(reply[i]) as Role] = half;
  }
  return halves;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
