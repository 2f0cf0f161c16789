import type { ExpireResult, HalfOffer } from '@shadowdiff/engine';
import { redisUrl, scopedRedis, uniqueName, waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisAlignment, ORPHAN_SCHEMES } from './create-redis-alignment.js';
import type { RedisAlignment } from './create-redis-alignment.js';

describe.each(ORPHAN_SCHEMES)('createRedisAlignment (%s) on the real Redis', (scheme) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(): Promise<RedisAlignment> {
    const scope = await scopedRedis(`align-${scheme}`);
    const alignment = createRedisAlignment({
      url: redisUrl(),
      keyPrefix: scope.prefix,
      scheme,
      swept: { sweepEveryMs: 100 },
    });
    cleanups.push(
      () => scope.cleanup(),
      () => alignment.close(),
    );
    return alignment;
  }

  const half = (traceId: string, role: 'primary' | 'shadow', deadlineAt: number): HalfOffer => ({
    traceId,
    role,
    half: new TextEncoder().encode(`${role}:${traceId}`),
    expected: ['primary', 'shadow'],
    deadlineAt,
  });

  it('turns 1000 unpaired halves into 1000 orphans naming the half present, and pairs the rest', async () => {
    const { store, scheduler } = await setup();
    const orphans = new Map<string, ExpireResult>();
    let gone = 0;
    await scheduler.start(async (traceIds) => {
      const results = await Promise.all(traceIds.map((id) => store.expire(id)));
      const decided = traceIds.filter((_, i) => results[i]!.kind === 'orphan');
      const first = await store.markEmitted(decided);
      decided.forEach((id, i) => {
        if (first[i]) orphans.set(id, results[traceIds.indexOf(id)]!);
      });
      gone += results.filter((r) => r.kind === 'gone').length;
    });

    const deadlineAt = Date.now() + 1_000;
    const lonely = Array.from({ length: 1_000 }, (_, i) => ({
      id: uniqueName('orphan'),
      role: i % 2 === 0 ? ('primary' as const) : ('shadow' as const),
    }));
    const paired = Array.from({ length: 500 }, () => uniqueName('pair'));
    const offers = [
      ...lonely.map(({ id, role }) => half(id, role, deadlineAt)),
      ...paired.flatMap((id) => [half(id, 'primary', deadlineAt), half(id, 'shadow', deadlineAt)]),
    ];
    for (let i = 0; i < offers.length; i += 250) {
      const batch = offers.slice(i, i + 250);
      const results = await store.offer(batch);
      // What the worker does: arm the timeout for waiting and duplicate halves (idempotent).
      await scheduler.schedule(
        batch
          .filter((_, j) => results[j]!.kind === 'waiting' || results[j]!.kind === 'duplicate')
          .map((offer) => ({ traceId: offer.traceId, dueAt: offer.deadlineAt })),
      );
      const pairedNow = batch.filter((_, j) => results[j]!.kind === 'paired');
      expect(await store.markEmitted(pairedNow.map((o) => o.traceId))).toEqual(
        pairedNow.map(() => true),
      );
    }

    await waitFor('1000 orphan verdicts', () => orphans.size >= 1_000, 30_000);
    for (const { id, role } of lonely) {
      const result = orphans.get(id);
      expect(result?.kind).toBe('orphan');
      if (result?.kind !== 'orphan') continue;
      expect(Object.keys(result.halves)).toEqual([role]);
      expect(new TextDecoder().decode(result.halves[role])).toBe(`${role}:${id}`);
    }
    expect(paired.some((id) => orphans.has(id))).toBe(false);
    // The late partner of an orphan is late, never a second verdict.
    const late = await store.offer([half(lonely[0]!.id, 'shadow', deadlineAt)]);
    expect(late).toEqual([{ kind: 'late', decided: 'orphan' }]);
    if (scheme === 'delayed-job') {
      // Paired traces' jobs still fire (the port has no cancel) and find them gone.
      await waitFor('the paired traces jobs', () => gone >= 500, 30_000);
    } else {
      // Pairing removed their deadlines in the offer script: nothing fired for them.
      expect(gone).toBe(0);
    }
  });
});
