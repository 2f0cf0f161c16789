import { pendingStoreContract, redisUrl, scopedRedis, uniqueName } from '@shadowdiff/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisPendingStore } from './redis-pending-store.js';

pendingStoreContract('RedisPendingStore', async (settings) => {
  const scope = await scopedRedis('pending');
  const clients: Redis[] = [];
  let first: RedisPendingStore | undefined;
  return {
    connect() {
      const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 2 });
      clients.push(redis);
      const store = new RedisPendingStore({ ...settings, redis, keyPrefix: scope.prefix });
      first ??= store;
      return store;
    },
    async ttlMs(traceId) {
      const ttl = await scope.client.pttl(first!.traceKey(traceId));
      return ttl < 0 ? null : ttl;
    },
    async close() {
      await Promise.all(clients.map((client) => client.quit()));
      await scope.cleanup();
    },
  };
});

describe('RedisPendingStore on the real Redis', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(options: { deadlineIndexKey?: string } = {}) {
    const scope = await scopedRedis('pending');
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 2 });
    cleanups.push(
      () => scope.cleanup(),
      () => redis.quit(),
    );
    const store = new RedisPendingStore({ redis, keyPrefix: scope.prefix, ...options });
    return { scope, store };
  }

  const offer = (
    traceId: string,
    role: 'primary' | 'shadow',
    deadlineAt = Date.now() + 10_000,
  ) => ({
    traceId,
    role,
    half: new TextEncoder().encode(role),
    expected: ['primary', 'shadow'] as const,
    deadlineAt,
  });

  it('keeps every key under the prefix: one hash per trace', async () => {
    const { scope, store } = await setup();
    const ids = Array.from({ length: 5 }, () => uniqueName('t'));
    await store.offer(ids.map((id) => offer(id, 'primary')));
    await store.offer([offer(ids[0]!, 'shadow')]);
    await store.expire(ids[1]!);
    await store.markEmitted([ids[0]!, ids[1]!]);
    // SCAN must run to the end of the cursor: Redis is shared, one pass covers only part of it.
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await scope.client.scan(
        cursor,
        'MATCH',
        `${scope.prefix}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    expect(found.sort()).toEqual(ids.map((id) => store.traceKey(id)).sort());
    // Emitted traces keep only bookkeeping: their halves' bytes are gone.
    expect(await scope.client.hgetall(store.traceKey(ids[0]!))).toEqual({
      s: 'P',
      e: '1',
      primary: '',
      shadow: '',
    });
  });

  it('indexes deadlines in the offer script when asked, and unindexes on pairing', async () => {
    const { scope, store } = await setup();
    const indexKey = `${scope.prefix}orphans:due`;
    const indexed = new RedisPendingStore({
      redis: scope.client,
      keyPrefix: scope.prefix,
      deadlineIndexKey: indexKey,
    });
    const [a, b] = [uniqueName('t'), uniqueName('t')];
    await indexed.offer([offer(a, 'primary', 1_000), offer(b, 'primary', 2_000)]);
    expect(await scope.client.zrange(indexKey, 0, -1, 'WITHSCORES')).toEqual([
      a,
      '1000',
      b,
      '2000',
    ]);
    // A redelivered half keeps the first deadline.
    await indexed.offer([offer(b, 'primary', 5_000)]);
    await indexed.offer([offer(a, 'shadow')]);
    expect(await scope.client.zrange(indexKey, 0, -1, 'WITHSCORES')).toEqual([b, '2000']);
    // A store without the option leaves the index alone.
    await store.offer([offer(uniqueName('t'), 'primary')]);
    expect(await scope.client.zcard(indexKey)).toBe(1);
  });

  it('rejects with ERR_STORE, retriable, when Redis is unreachable', async () => {
    const redis = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 1,
      retryStrategy: () => 50,
      lazyConnect: true,
    });
    redis.on('error', () => undefined);
    cleanups.push(() => Promise.resolve(redis.disconnect()));
    const store = new RedisPendingStore({ redis, keyPrefix: uniqueName('sdtest:down') });
    const error = await store.offer([offer('t', 'primary')]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORE', retriable: true });
    await expect(store.expire('t')).rejects.toMatchObject({ code: 'ERR_STORE', retriable: true });
    await expect(store.markEmitted(['t'])).rejects.toMatchObject({ code: 'ERR_STORE' });
  });

  it('rejects with a non-retriable ERR_STORE when the key holds the wrong type', async () => {
    const { scope, store } = await setup();
    const id = uniqueName('t');
    await scope.client.set(store.traceKey(id), 'not a hash');
    await expect(store.offer([offer(id, 'primary')])).rejects.toMatchObject({
      code: 'ERR_STORE',
      retriable: false,
    });
  });
});
