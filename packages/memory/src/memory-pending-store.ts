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
import { systemClock } from './system-clock.js';

export interface MemoryPendingStoreOptions {
  /** Time source for TTLs. Default: `Date.now`. */
  clock?: Clock;
  /**
   * How long a pending trace outlives its deadline, so a late-firing scheduler still finds it.
   * Default 60 000 ms.
   */
  marginMs?: number;
  /**
   * How long a claimed or decided trace is remembered (late and duplicate detection, halves of a
   * claim awaiting `markEmitted`, verdict dedupe). Default 120 000 ms.
   */
  decidedTtlMs?: number;
}

/**
 * `pending` → `paired` / `orphan` (claimed, halves kept until emitted) → `emitted` (halves dropped,
 * the roles seen and the decision kept). Mirrors the Redis store's Lua state machine.
 */
type TraceState = 'pending' | 'paired' | 'orphan' | 'emitted';

interface TraceEntry {
  state: TraceState;
  decided: 'paired' | 'orphan' | null;
  halves: Map<Role, Uint8Array | null>;
  expiresAt: number;
}

/** Expired entries are purged at most this often (lazy checks cover reads in between). */
const PURGE_EVERY_MS = 1_000;

/**
 * The embedded {@link PendingStore}: one process, so every method is trivially atomic. Same
 * semantics as the Redis store (contract-tested), with TTLs measured on the injected clock.
 */
export class MemoryPendingStore implements PendingStore {
  readonly #clock: Clock;
  readonly #marginMs: number;
  readonly #decidedTtlMs: number;
  readonly #traces = new Map<string, TraceEntry>();
  #lastPurge = 0;

  constructor(options: MemoryPendingStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#marginMs = options.marginMs ?? 60_000;
    this.#decidedTtlMs = options.decidedTtlMs ?? 120_000;
  }

  offer(offers: readonly HalfOffer[]): Promise<OfferResult[]> {
    const now = this.#clock.now();
    this.#purge(now);
    return Promise.resolve(offers.map((offer) => this.#offerOne(offer, now)));
  }

  claimPairs(pairs: readonly PairOffer[]): Promise<PairOfferResult[]> {
    const now = this.#clock.now();
    this.#purge(now);
    return Promise.resolve(pairs.map((pair) => this.#claimOne(pair, now)));
  }

  #claimOne(pair: PairOffer, now: number): PairOfferResult {
    let entry = this.#live(pair.traceId, now);
    if (entry === undefined) {
      entry = { state: 'pending', decided: null, halves: new Map(), expiresAt: 0 };
      this.#traces.set(pair.traceId, entry);
    }
    if (entry.state === 'pending' || entry.state === 'paired') {
      // Roles without stored bytes are remembered as seen (null): the caller holds their halves.
      for (const role of pair.expected) if (!entry.halves.has(role)) entry.halves.set(role, null);
      if (entry.state === 'pending') {
        entry.state = 'paired';
        entry.decided = 'paired';
        entry.expiresAt = now + this.#decidedTtlMs;
      }
      return { kind: 'paired' };
    }
    const decided = entry.decided ?? 'paired';
    return {
      kind: 'decided',
      roles: pair.expected.map((role) =>
        entry.halves.has(role) ? { kind: 'duplicate' } : { kind: 'late', decided },
      ),
    };
  }

  expire(traceId: string): Promise<ExpireResult> {
    const now = this.#clock.now();
    const entry = this.#live(traceId, now);
    if (entry === undefined) return Promise.resolve({ kind: 'gone' });
    switch (entry.state) {
      case 'pending':
        entry.state = 'orphan';
        entry.decided = 'orphan';
        entry.expiresAt = now + this.#decidedTtlMs;
        return Promise.resolve({ kind: 'orphan', halves: halvesOf(entry) });
      case 'orphan':
        // A re-fire before the orphan verdict went out: hand the halves out again.
        return Promise.resolve({ kind: 'orphan', halves: halvesOf(entry) });
      case 'paired':
      case 'emitted':
        return Promise.resolve({ kind: 'gone' });
    }
  }

  markEmitted(traceIds: readonly string[]): Promise<boolean[]> {
    const now = this.#clock.now();
    return Promise.resolve(
      traceIds.map((traceId) => {
        const entry = this.#live(traceId, now);
        if (entry === undefined) {
          this.#traces.set(traceId, {
            state: 'emitted',
            decided: 'paired',
            halves: new Map(),
            expiresAt: now + this.#decidedTtlMs,
          });
          return true;
        }
        if (entry.state === 'emitted') return false;
        entry.decided = entry.state === 'orphan' ? 'orphan' : 'paired';
        entry.state = 'emitted';
        for (const role of entry.halves.keys()) entry.halves.set(role, null);
        entry.expiresAt = now + this.#decidedTtlMs;
        return true;
      }),
    );
  }

  /**
   * Remaining lifetime of a trace's state in ms, or null when the store holds nothing for it.
   * For tests and diagnostics (the Redis store's equivalent is `PTTL`).
   */
  ttlOf(traceId: string): number | null {
    const now = this.#clock.now();
    const entry = this.#live(traceId, now);
    return entry === undefined ? null : entry.expiresAt - now;
  }

  /** Number of traces held (pending, claimed or decided), after dropping expired ones. */
  get size(): number {
    this.#purge(this.#clock.now(), true);
    return this.#traces.size;
  }

  #offerOne(offer: HalfOffer, now: number): OfferResult {
    const entry = this.#live(offer.traceId, now);
    if (entry === undefined) {
      const fresh: TraceEntry = {
        state: 'pending',
        decided: null,
        halves: new Map([[offer.role, offer.half]]),
        expiresAt: Math.max(offer.deadlineAt - now, 0) + this.#marginMs + now,
      };
      this.#traces.set(offer.traceId, fresh);
      return this.#completeIfReady(fresh, offer, now);
    }
    const seen = entry.halves.has(offer.role);
    switch (entry.state) {
      case 'pending':
        if (seen) return { kind: 'duplicate' };
        entry.halves.set(offer.role, offer.half);
        return this.#completeIfReady(entry, offer, now);
      case 'paired': {
        // Claimed but not emitted: a redelivered half re-drives the verdict, once every half's
        // bytes are here (a pair claimed by `claimPairs` stored none: they come back one by one).
        if (!seen) return { kind: 'late', decided: 'paired' };
        if (entry.halves.get(offer.role) === null) entry.halves.set(offer.role, offer.half);
        const complete = offer.expected.every((role) => entry.halves.get(role) != null);
        return complete ? { kind: 'paired', halves: halvesOf(entry) } : { kind: 'waiting' };
      }
      case 'orphan':
      case 'emitted':
        if (seen) return { kind: 'duplicate' };
        return { kind: 'late', decided: entry.decided ?? 'paired' };
    }
  }

  #completeIfReady(entry: TraceEntry, offer: HalfOffer, now: number): OfferResult {
    if (!offer.expected.every((role) => entry.halves.has(role))) return { kind: 'waiting' };
    entry.state = 'paired';
    entry.decided = 'paired';
    entry.expiresAt = now + this.#decidedTtlMs;
    return { kind: 'paired', halves: halvesOf(entry) };
  }

  #live(traceId: string, now: number): TraceEntry | undefined {
    const entry = this.#traces.get(traceId);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.#traces.delete(traceId);
      return undefined;
    }
    return entry;
  }

  #purge(now: number, force = false): void {
    if (!force && now - this.#lastPurge < PURGE_EVERY_MS) return;
    this.#lastPurge = now;
    for (const [traceId, entry] of this.#traces) {
      if (entry.expiresAt <= now) this.#traces.delete(traceId);
    }
  }
}

function halvesOf(entry: TraceEntry): HalfSet {
  const halves: HalfSet = {};
  for (const [role, half] of entry.halves) if (half !== null) halves[role] = half;
  return halves;
}
