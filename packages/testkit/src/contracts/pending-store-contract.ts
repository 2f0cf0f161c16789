import type { Role } from '@shadowdiff/contracts';
import type { HalfOffer, HalfSet, OfferResult, PendingStore } from '@shadowdiff/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueName } from '../names.js';

/** Settings every store under contract is built with, so TTLs can be checked. */
export interface PendingStoreContractSettings {
  /** How long a pending trace outlives its deadline. */
  marginMs: number;
  /** How long a claimed or decided trace is remembered. */
  decidedTtlMs: number;
}

export interface PendingStoreHarness {
  /**
   * A client on the store's shared state. Network stores open a new connection per call (the
   * concurrency cases race two of them); in-process stores may return the same instance.
   */
  connect(): PendingStore;
  /** Remaining lifetime of a trace's state in ms, or null when the store holds nothing for it. */
  ttlMs(traceId: string): Promise<number | null>;
  close(): Promise<void>;
}

const PAIR: readonly Role[] = ['primary', 'shadow'];
const TRIPLE: readonly Role[] = ['primary', 'shadow', 'secondary'];

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function kinds(results: readonly OfferResult[]): string[] {
  return results.map((result) => result.kind);
}

function decoded(halves: HalfSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [role, half] of Object.entries(halves)) out[role] = new TextDecoder().decode(half);
  return out;
}

/**
 * The behaviour every {@link PendingStore} shares (memory, Redis): pairing exactly once, duplicates
 * and late halves, expiry, claims re-driven until `markEmitted`, TTLs, and races between clients.
 */
export function pendingStoreContract(
  name: string,
  setup: (settings: PendingStoreContractSettings) => Promise<PendingStoreHarness>,
): void {
  const settings: PendingStoreContractSettings = { marginMs: 60_000, decidedTtlMs: 120_000 };

  describe(`PendingStore contract: ${name}`, () => {
    let harness: PendingStoreHarness;
    let store: PendingStore;
    let traceId: string;
    const soon = (): number => Date.now() + 10_000;
    const half = (role: Role, body = `${role} body`, expected = PAIR): HalfOffer => ({
      traceId,
      role,
      half: bytes(body),
      expected,
      deadlineAt: soon(),
    });

    beforeEach(async () => {
      harness = await setup(settings);
      store = harness.connect();
      traceId = uniqueName('trace');
    });
    afterEach(async () => {
      await harness.close();
    });

    it('answers waiting, then paired exactly once with both halves', async () => {
      expect(kinds(await store.offer([half('primary')]))).toEqual(['waiting']);
      const [paired] = await store.offer([half('shadow')]);
      expect(paired?.kind).toBe('paired');
      if (paired?.kind !== 'paired') return;
      expect(decoded(paired.halves)).toEqual({ primary: 'primary body', shadow: 'shadow body' });
      expect(await store.markEmitted([traceId])).toEqual([true]);
      expect(kinds(await store.offer([half('shadow')]))).toEqual(['duplicate']);
    });

    it('pairs both halves offered in one batch, keeping results in input order', async () => {
      const other = uniqueName('trace');
      const results = await store.offer([
        half('primary'),
        { ...half('primary'), traceId: other },
        half('shadow'),
      ]);
      expect(kinds(results)).toEqual(['waiting', 'waiting', 'paired']);
    });

    it('answers duplicate for a role offered twice while pending, keeping the first bytes', async () => {
      await store.offer([half('primary', 'first')]);
      expect(kinds(await store.offer([half('primary', 'second')]))).toEqual(['duplicate']);
      const [paired] = await store.offer([half('shadow')]);
      expect(paired?.kind === 'paired' && decoded(paired.halves).primary).toBe('first');
    });

    it('re-drives a claimed pair until its verdict is emitted, then answers duplicate or late', async () => {
      await store.offer([half('primary')]);
      expect(kinds(await store.offer([half('shadow')]))).toEqual(['paired']);
      // Crash between pairing and emitting: the redelivered half pairs again, with the halves.
      const [again] = await store.offer([half('shadow')]);
      expect(again?.kind).toBe('paired');
      if (again?.kind === 'paired')
        expect(Object.keys(again.halves).sort()).toEqual(['primary', 'shadow']);
      // A role the pair did not include is late, also before emission.
      expect(await store.offer([half('secondary')])).toEqual([{ kind: 'late', decided: 'paired' }]);
      expect(await store.markEmitted([traceId, traceId])).toEqual([true, false]);
      expect(kinds(await store.offer([half('primary'), half('shadow')]))).toEqual([
        'duplicate',
        'duplicate',
      ]);
      expect(await store.offer([half('secondary')])).toEqual([{ kind: 'late', decided: 'paired' }]);
      expect(await store.expire(traceId)).toEqual({ kind: 'gone' });
    });

    it('claims a pair held in hand without its bytes; a split redelivery waits for every half', async () => {
      const pair = { traceId, expected: PAIR };
      expect(await store.claimPairs([pair])).toEqual([{ kind: 'paired' }]);
      // Nothing pending: no orphan ever, and the claim is re-driven while its verdict is not out.
      expect(await store.expire(traceId)).toEqual({ kind: 'gone' });
      expect(await store.claimPairs([pair])).toEqual([{ kind: 'paired' }]);
      // Crash before emitting, and the redelivery splits the pair across batches: the first half
      // stores its bytes and waits, the second completes the re-drive with both.
      expect(kinds(await store.offer([half('shadow', 'shadow again')]))).toEqual(['waiting']);
      const [again] = await store.offer([half('primary', 'primary again')]);
      expect(again?.kind === 'paired' && decoded(again.halves)).toEqual({
        primary: 'primary again',
        shadow: 'shadow again',
      });
      expect(await store.markEmitted([traceId])).toEqual([true]);
      expect(kinds(await store.offer([half('primary')]))).toEqual(['duplicate']);
      expect(await store.claimPairs([pair])).toEqual([
        { kind: 'decided', roles: [{ kind: 'duplicate' }, { kind: 'duplicate' }] },
      ]);
    });

    it('claims a pending pair whose other half arrived earlier, and answers decided traces per role', async () => {
      expect(kinds(await store.offer([half('primary')]))).toEqual(['waiting']);
      expect(await store.claimPairs([{ traceId, expected: PAIR }])).toEqual([{ kind: 'paired' }]);
      expect(await store.expire(traceId)).toEqual({ kind: 'gone' });
      expect(await store.markEmitted([traceId])).toEqual([true]);

      const orphaned = uniqueName('trace');
      await store.offer([{ ...half('primary'), traceId: orphaned }]);
      expect((await store.expire(orphaned)).kind).toBe('orphan');
      expect(await store.claimPairs([{ traceId: orphaned, expected: PAIR }])).toEqual([
        { kind: 'decided', roles: [{ kind: 'duplicate' }, { kind: 'late', decided: 'orphan' }] },
      ]);
    });

    it('lets one verdict through when two clients claim the same pair at once', async () => {
      const other = harness.connect();
      const [a, b] = await Promise.all([
        store.claimPairs([{ traceId, expected: PAIR }]),
        other.claimPairs([{ traceId, expected: PAIR }]),
      ]);
      // Both see paired (a claim re-drives until emitted); emission lets exactly one through.
      expect([a[0]?.kind, b[0]?.kind]).toEqual(['paired', 'paired']);
      const marks = await Promise.all([store.markEmitted([traceId]), other.markEmitted([traceId])]);
      expect(marks.flat().filter(Boolean)).toHaveLength(1);
    });

    it('expires a pending trace with the halves present, and counts the missing role as late', async () => {
      await store.offer([half('primary')]);
      const expired = await store.expire(traceId);
      expect(expired.kind).toBe('orphan');
      if (expired.kind === 'orphan')
        expect(decoded(expired.halves)).toEqual({ primary: 'primary body' });
      expect(await store.offer([half('shadow')])).toEqual([{ kind: 'late', decided: 'orphan' }]);
      // A re-fire before the orphan verdict was emitted claims it again.
      expect((await store.expire(traceId)).kind).toBe('orphan');
      expect(await store.markEmitted([traceId])).toEqual([true]);
      expect(await store.expire(traceId)).toEqual({ kind: 'gone' });
      expect(await store.offer([half('shadow')])).toEqual([{ kind: 'late', decided: 'orphan' }]);
      expect(kinds(await store.offer([half('primary')]))).toEqual(['duplicate']);
    });

    it('answers gone when expiring a paired or unknown trace', async () => {
      expect(await store.expire(uniqueName('never-seen'))).toEqual({ kind: 'gone' });
      await store.offer([half('primary'), half('shadow')]);
      expect(await store.expire(traceId)).toEqual({ kind: 'gone' });
      // Expiry of a paired trace must not disturb its re-drive.
      expect(kinds(await store.offer([half('primary')]))).toEqual(['paired']);
    });

    it('pairs only when every expected role is present (secondary configured)', async () => {
      expect(kinds(await store.offer([half('primary', 'p', TRIPLE)]))).toEqual(['waiting']);
      expect(kinds(await store.offer([half('shadow', 's', TRIPLE)]))).toEqual(['waiting']);
      const [paired] = await store.offer([half('secondary', 'x', TRIPLE)]);
      expect(paired?.kind === 'paired' && decoded(paired.halves)).toEqual({
        primary: 'p',
        shadow: 's',
        secondary: 'x',
      });
    });

    it('stores halves as raw bytes, whatever they contain', async () => {
      const every = Uint8Array.from({ length: 256 }, (_, i) => i);
      const big = new Uint8Array(64 * 1024).map((_, i) => (i * 31) & 0xff);
      await store.offer([{ ...half('primary'), half: every }]);
      const [paired] = await store.offer([{ ...half('shadow'), half: big }]);
      expect(paired?.kind).toBe('paired');
      if (paired?.kind !== 'paired') return;
      expect(Buffer.from(paired.halves.primary!).equals(Buffer.from(every))).toBe(true);
      expect(Buffer.from(paired.halves.shadow!).equals(Buffer.from(big))).toBe(true);
    });

    it('marks a verdict emitted exactly once', async () => {
      const other = uniqueName('trace');
      expect(await store.markEmitted([traceId, other, traceId])).toEqual([true, true, false]);
      expect(await store.markEmitted([other])).toEqual([false]);
      // An emitted trace is decided: its halves never start a new pair.
      expect(kinds(await store.offer([half('primary')]))).toEqual(['late']);
    });

    it('sets TTLs: window + margin while pending, the decided TTL once claimed or emitted', async () => {
      const slack = 5_000;
      const deadlineAt = Date.now() + 10_000;
      await store.offer([{ ...half('primary'), deadlineAt }]);
      const pending = await harness.ttlMs(traceId);
      expect(pending).not.toBeNull();
      expect(pending!).toBeLessThanOrEqual(10_000 + settings.marginMs);
      expect(pending!).toBeGreaterThan(10_000 + settings.marginMs - slack);

      await store.offer([half('shadow')]);
      const claimed = await harness.ttlMs(traceId);
      expect(claimed!).toBeLessThanOrEqual(settings.decidedTtlMs);
      expect(claimed!).toBeGreaterThan(settings.decidedTtlMs - slack);

      await store.markEmitted([traceId]);
      const decided = await harness.ttlMs(traceId);
      expect(decided!).toBeLessThanOrEqual(settings.decidedTtlMs);
      expect(decided!).toBeGreaterThan(settings.decidedTtlMs - slack);

      // A deadline already past (a lagging consumer) still keeps the half for the margin.
      const stale = uniqueName('trace');
      await store.offer([{ ...half('primary'), traceId: stale, deadlineAt: Date.now() - 60_000 }]);
      const margin = await harness.ttlMs(stale);
      expect(margin!).toBeLessThanOrEqual(settings.marginMs);
      expect(margin!).toBeGreaterThan(settings.marginMs - slack);
      expect(await harness.ttlMs(uniqueName('never-seen'))).toBeNull();
    });

    it('gives exactly one paired per trace when two clients offer the two halves at once', async () => {
      const a = harness.connect();
      const b = harness.connect();
      const ids = Array.from({ length: 600 }, () => uniqueName('race'));
      const offers = (role: Role): HalfOffer[] =>
        ids.map((id) => ({
          traceId: id,
          role,
          half: bytes(id),
          expected: PAIR,
          deadlineAt: soon(),
        }));
      const chunks = (list: HalfOffer[]): HalfOffer[][] =>
        Array.from({ length: Math.ceil(list.length / 50) }, (_, i) =>
          list.slice(i * 50, i * 50 + 50),
        );
      const run = (client: PendingStore, role: Role): Promise<OfferResult[]> =>
        Promise.all(chunks(offers(role)).map((chunk) => client.offer(chunk))).then((r) => r.flat());
      // Each side also re-offers its halves (a redelivery racing the first delivery).
      const [primaries, shadows, shadowsAgain] = await Promise.all([
        run(a, 'primary'),
        run(b, 'shadow'),
        run(a, 'shadow'),
      ]);
      ids.forEach((_, i) => {
        const outcomes = [primaries[i]!.kind, shadows[i]!.kind, shadowsAgain[i]!.kind];
        const count = (kind: string): number => outcomes.filter((k) => k === kind).length;
        // One half started the trace; a re-offer racing the pairing either re-drives the claimed
        // pair (paired) or found it still pending (duplicate). Never lost, never late.
        expect(count('waiting')).toBe(1);
        expect(count('paired')).toBeGreaterThanOrEqual(1);
        expect(count('waiting') + count('paired') + count('duplicate')).toBe(3);
      });
      // Exactly one verdict per trace, however many `paired` re-drives there were.
      const emitted = await Promise.all([a.markEmitted(ids), b.markEmitted(ids)]);
      ids.forEach((_, i) => {
        expect([emitted[0][i], emitted[1][i]].filter(Boolean)).toHaveLength(1);
      });
    });

    it('gives exactly one paired per trace when each half is offered once by one of two clients', async () => {
      const a = harness.connect();
      const b = harness.connect();
      const ids = Array.from({ length: 1_000 }, () => uniqueName('race'));
      const batch = (role: Role): HalfOffer[] =>
        ids.map((id) => ({
          traceId: id,
          role,
          half: bytes(id),
          expected: PAIR,
          deadlineAt: soon(),
        }));
      const [primaries, shadows] = await Promise.all([
        Promise.all([
          a.offer(batch('primary').slice(0, 500)),
          a.offer(batch('primary').slice(500)),
        ]),
        Promise.all([b.offer(batch('shadow').slice(0, 500)), b.offer(batch('shadow').slice(500))]),
      ]);
      const p = primaries.flat();
      const s = shadows.flat();
      ids.forEach((_, i) => {
        expect([p[i]!.kind, s[i]!.kind].sort()).toEqual(['paired', 'waiting']);
      });
    });

    it('lets either the pairing half or the deadline claim a trace, never both', async () => {
      const a = harness.connect();
      const b = harness.connect();
      const ids = Array.from({ length: 300 }, () => uniqueName('race'));
      const offer = (id: string, role: Role): HalfOffer => ({
        traceId: id,
        role,
        half: bytes(role),
        expected: PAIR,
        deadlineAt: soon(),
      });
      await a.offer(ids.map((id) => offer(id, 'primary')));
      const [offered, expired] = await Promise.all([
        a.offer(ids.map((id) => offer(id, 'shadow'))),
        Promise.all(ids.map((id) => b.expire(id))),
      ]);
      ids.forEach((_, i) => {
        const pairedNow = offered[i]!.kind === 'paired';
        const orphaned = expired[i]!.kind === 'orphan';
        expect(pairedNow !== orphaned).toBe(true);
        if (orphaned) expect(offered[i]).toEqual({ kind: 'late', decided: 'orphan' });
      });
    });
  });
}
