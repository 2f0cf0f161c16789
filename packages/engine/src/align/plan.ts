import type { Role } from '@shadowdiff/contracts';
import type { HalfOffer, PairOffer } from '../ports/pending-store.js';
import type { ClassifiedHalf } from './classify.js';

/** A half to offer to the store (a `HalfOffer`), with the classified half it came from. */
export interface PlannedOffer extends HalfOffer {
  source: ClassifiedHalf;
}

/** A trace whose every expected half is in the batch: claimed without shipping its bytes. */
export interface PlannedClaim extends PairOffer {
  /** The trace's halves, one per expected role, in batch order. */
  halves: ClassifiedHalf[];
}

export interface BatchPlan {
  /** For `PendingStore.offer` (results come back in this order). */
  offers: PlannedOffer[];
  /** For `PendingStore.claimPairs` (results come back in this order). */
  claims: PlannedClaim[];
  /** Halves of a role their trace does not expect: never offered. */
  unexpected: ClassifiedHalf[];
  /** The batch's offered halves by trace id and role (a redelivered one: its last copy). */
  known: ReadonlyMap<string, ClassifiedHalf>;
}

/** Key of {@link BatchPlan.known}. */
export function knownKey(traceId: string, role: Role): string {
  return `${traceId}\u0000${role}`;
}

/** True when a trace's halves in a batch are each expected role exactly once. */
function complete(group: readonly ClassifiedHalf[]): boolean {
  const expected = group[0]!.expected;
  if (group.length !== expected.length) return false;
  const roles = new Set<Role>();
  for (const h of group) roles.add(h.record.role);
  return roles.size === expected.length;
}

/**
 * Splits a batch's halves (pure): a trace whose every expected half is here is claimed in one
 * call (`claims`), the others are offered half by half (`offers`, grouped by trace in order of
 * first appearance). `deadlineAt`: when an offered trace becomes an orphan.
 */
export function planBatch(halves: readonly ClassifiedHalf[], deadlineAt: number): BatchPlan {
  const unexpected: ClassifiedHalf[] = [];
  const known = new Map<string, ClassifiedHalf>();
  const groups = new Map<string, ClassifiedHalf[]>();
  for (const half of halves) {
    const { traceId, role } = half.record;
    if (!half.expected.includes(role)) {
      unexpected.push(half);
      continue;
    }
    known.set(knownKey(traceId, role), half);
    const group = groups.get(traceId);
    if (group === undefined) groups.set(traceId, [half]);
    else group.push(half);
  }
  const offers: PlannedOffer[] = [];
  const claims: PlannedClaim[] = [];
  for (const [traceId, group] of groups) {
    if (complete(group)) {
      claims.push({ traceId, expected: group[0]!.expected, halves: group });
      continue;
    }
    for (const source of group) {
      offers.push({
        traceId,
        role: source.record.role,
        half: source.bytes,
        expected: source.expected,
        deadlineAt,
        source,
      });
    }
  }
  return { offers, claims, unexpected, known };
}
