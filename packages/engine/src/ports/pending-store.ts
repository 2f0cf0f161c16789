import type { Role } from '@shadowdiff/contracts';

/** Encoded TapRecords of one trace, by role. */
export type HalfSet = Partial<Record<Role, Uint8Array>>;

export interface HalfOffer {
  traceId: string;
  role: Role;
  /** The encoded TapRecord, stored as is. */
  half: Uint8Array;
  /** Every role the pair needs (primary + shadow, + secondary when configured). */
  expected: readonly Role[];
  /** Epoch ms after which the trace is an orphan. */
  deadlineAt: number;
}

/** Every expected half of one trace, all in the caller's hands (they arrived in one batch). */
export interface PairOffer {
  traceId: string;
  /** Every role the pair needs; the caller holds one half of each. */
  expected: readonly Role[];
}

/**
 * Outcome of {@link PendingStore.claimPairs}: `paired` when this call claimed the pair (or
 * re-drives a claim whose verdict is not out yet) — judge it with the halves in hand; `decided`
 * when the trace was already decided, with what offering each expected role (in `expected` order)
 * would have returned: `duplicate` or `late`.
 */
export type PairOfferResult =
  | { kind: 'paired' }
  | {
      kind: 'decided';
      roles: ({ kind: 'duplicate' } | { kind: 'late'; decided: 'paired' | 'orphan' })[];
    };

/**
 * Expected outcomes of offering a half: values, not throws (handled by an exhaustive switch).
 *
 * Life of a trace in a store: `pending` (halves waiting, kept for window + margin) → `claimed`
 * (paired or orphaned; halves kept until the verdict is emitted) → `decided` (after
 * {@link PendingStore.markEmitted}: halves dropped, only the roles seen and the decision are
 * remembered for a while, so late halves and redeliveries are recognised).
 */
export type OfferResult =
  /** Stored; the pair is not complete yet. */
  | { kind: 'waiting' }
  /**
   * This offer completed the pair; exactly one offer across the fleet gets this for a fresh pair.
   * A re-offer of one of the pair's halves while the pair is claimed but its verdict not yet
   * emitted (a redelivery after a crash between pairing and emitting) gets `paired` again, so the
   * verdict is still produced; {@link PendingStore.markEmitted} then lets only one emission through.
   */
  | { kind: 'paired'; halves: HalfSet }
  /**
   * This role was already offered for this trace (a redelivery). When the trace is still pending,
   * schedule its orphan timeout again (schedulers are idempotent per trace id): the first delivery
   * may have crashed before it scheduled.
   */
  | { kind: 'duplicate' }
  /**
   * The trace was already decided (paired or orphaned) without this role: count as late, never a
   * second verdict.
   */
  | { kind: 'late'; decided: 'paired' | 'orphan' };

export type ExpireResult =
  /**
   * The deadline claimed the trace: these halves arrived, the rest are missing. A re-fire before
   * the orphan verdict was emitted (a crash between expiring and emitting) gets `orphan` again;
   * `markEmitted` dedupes the verdict.
   */
  | { kind: 'orphan'; halves: HalfSet }
  /** Already paired, already emitted, or nothing pending (never seen, or its TTL ran out). */
  | { kind: 'gone' };

/**
 * Pending halves keyed by trace id. Every method is atomic per trace across the whole fleet
 * (a Lua script or MULTI in Redis), so two workers never both claim a pair.
 *
 * Exactly-once verdicts over at-least-once delivery: commit a half's offset only after `offer`
 * resolved (its state is then durable); on `paired` / `orphan`, judge, then gate the emission on
 * `markEmitted`. A crash anywhere before `markEmitted` replays into `paired` / `orphan` again.
 */
export interface PendingStore {
  /** Offers halves in one round trip; results are in input order. */
  offer(offers: readonly HalfOffer[]): Promise<OfferResult[]>;
  /**
   * Claims pairs whose every half the caller holds, without storing their bytes (one round trip;
   * results in input order). A pending trace (some halves offered before) is claimed too. The
   * claim remembers the roles as seen without bytes; should the claim's verdict never go out (a
   * crash before it), a later `offer` of one of these roles stores its bytes and gets `waiting`
   * until every role's bytes are back, then `paired` — so a redelivery that splits the pair across
   * batches still ends in exactly one verdict.
   */
  claimPairs(pairs: readonly PairOffer[]): Promise<PairOfferResult[]>;
  /** Claims a trace whose deadline passed. */
  expire(traceId: string): Promise<ExpireResult>;
  /**
   * Verdict dedupe (SET NX with TTL): true the first time a verdict for this trace id is emitted,
   * false on any replay. Also ends the trace's claim: its halves are dropped, the decision stays.
   */
  markEmitted(traceIds: readonly string[]): Promise<boolean[]>;
}
