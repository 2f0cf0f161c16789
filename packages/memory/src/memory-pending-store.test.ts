import { pendingStoreContract } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { MemoryPendingStore } from './memory-pending-store.js';

pendingStoreContract('MemoryPendingStore', (settings) => {
  const store = new MemoryPendingStore(settings);
  return Promise.resolve({
    connect: () => store,
    ttlMs: (traceId) => Promise.resolve(store.ttlOf(traceId)),
    close: () => Promise.resolve(),
  });
});

describe('MemoryPendingStore TTLs on an injected clock', () => {
  const offer = (traceId: string, deadlineAt: number) => ({
    traceId,
    role: 'primary' as const,
    half: new Uint8Array([1]),
    expected: ['primary', 'shadow'] as const,
    deadlineAt,
  });

  it('forgets a pending half once window + margin passed', async () => {
    let now = 1_000;
    const store = new MemoryPendingStore({ clock: { now: () => now }, marginMs: 500 });
    await store.offer([offer('t', 2_000)]);
    now = 2_499;
    expect(store.ttlOf('t')).toBe(1);
    now = 2_500;
    expect(store.ttlOf('t')).toBeNull();
    expect(await store.expire('t')).toEqual({ kind: 'gone' });
    expect(store.size).toBe(0);
  });

  it('forgets a decided trace after the decided TTL, so a much later half starts afresh', async () => {
    let now = 0;
    const store = new MemoryPendingStore({ clock: { now: () => now }, decidedTtlMs: 100 });
    await store.offer([offer('t', 10)]);
    await store.expire('t');
    await store.markEmitted(['t']);
    now = 99;
    expect((await store.offer([{ ...offer('t', 10), role: 'shadow' }]))[0]?.kind).toBe('late');
    now = 100;
    expect((await store.offer([{ ...offer('t', 200), role: 'shadow' }]))[0]?.kind).toBe('waiting');
  });
});
