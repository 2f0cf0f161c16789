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

/** Expected outcomes of offering a half: values, not throws (handled by an exhaustive switch). */
export type OfferResult =
  /** Stored; the pair is not complete yet. */
  | { kind: 'waiting' }
  /** This offer completed the pair; exactly one offer across the fleet gets this. */
  | { kind: 'paired'; halves: HalfSet }
  /** The same role was already pending for this trace (a redelivery). */
  | { kind: 'duplicate' }
  /** The trace was already decided (paired or orphaned): count as late, never a second verdict. */
  | { kind: 'late'; decided: 'paired' | 'orphan' };

export type ExpireResult =
  /** The deadline claimed the trace: these halves arrived, the rest are missing. */
  | { kind: 'orphan'; halves: HalfSet }
  /** Already paired or expired by someone else. */
  | { kind: 'gone' };

/**
 * Pending halves keyed by trace id. Every method is atomic per trace across the whole fleet
 * (a Lua script or MULTI in Redis), so two workers never both claim a pair.
 */
export interface PendingStore {
  /** Offers halves in one round trip; results are in input order. */
  offer(offers: readonly HalfOffer[]): Promise<OfferResult[]>;
  /** Claims a trace whose deadline passed. */
  expire(traceId: string): Promise<ExpireResult>;
  /**
   * Verdict dedupe (SET NX with TTL): true the first time a verdict for this trace id is emitted,
   * false on any replay.
   */
  markEmitted(traceIds: readonly string[]): Promise<boolean[]>;
}
