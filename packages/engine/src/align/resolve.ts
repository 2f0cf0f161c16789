import type { Role } from '@shadowdiff/contracts';
import type { HalfSet, OfferResult, PairOfferResult } from '../ports/pending-store.js';
import type { ClassifiedHalf } from './classify.js';
import { knownKey } from './plan.js';
import type { BatchPlan } from './plan.js';

/** A pair to judge: the store (or the batch) holds every expected half. */
export interface JudgeDecision {
  /** The half that completed the pair (its trace id, service, expected roles and publish time). */
  completing: ClassifiedHalf;
  /** Every half's bytes by role. */
  halves: HalfSet;
  /** Halves of this pair that arrived in this batch, already decoded and routed. */
  known: Partial<Record<Role, ClassifiedHalf>>;
}

/** What to do about one batch once the store answered. */
export interface BatchDecisions {
  judge: JudgeDecision[];
  /** Orphan timeouts to arm (idempotent per trace id), one per trace. */
  schedule: { traceId: string; dueAt: number }[];
  /** Halves that came after their trace was decided: counted, never judged. */
  late: ClassifiedHalf[];
  /** Halves stored, their pair still incomplete. */
  waiting: number;
  /** Redeliveries of a role already offered. */
  duplicates: number;
}

function knownOf(plan: BatchPlan, traceId: string, halves: HalfSet): JudgeDecision['known'] {
  const known: JudgeDecision['known'] = {};
  for (const role of Object.keys(halves) as Role[]) {
    const half = plan.known.get(knownKey(traceId, role));
    if (half !== undefined) known[role] = half;
  }
  return known;
}

/**
 * Turns the store's answers into decisions (pure). `offered[i]` answers `plan.offers[i]`,
 * `claimed[k]` answers `plan.claims[k]`. Offer results: `waiting` and `duplicate` arm the
 * timeout (the first delivery may have crashed before it scheduled), `late` is counted, `paired`
 * is judged once per trace (a redelivered half re-offered in the same batch pairs again) and needs
 * no timeout. A claim is judged with the halves in hand, or each role is a duplicate or late.
 */
export function resolveBatch(
  plan: BatchPlan,
  offered: readonly OfferResult[],
  claimed: readonly PairOfferResult[],
): BatchDecisions {
  const out: BatchDecisions = { judge: [], schedule: [], late: [], waiting: 0, duplicates: 0 };
  // Trace id -> deadline; a trace that pairs later in this same batch needs no timeout at all.
  const schedule = new Map<string, number>();
  const paired = new Set<string>();
  offered.forEach((result, i) => {
    const offer = plan.offers[i]!;
    switch (result.kind) {
      case 'waiting':
        out.waiting++;
        schedule.set(offer.traceId, offer.deadlineAt);
        break;
      case 'duplicate':
        out.duplicates++;
        schedule.set(offer.traceId, offer.deadlineAt);
        break;
      case 'late':
        out.late.push(offer.source);
        break;
      case 'paired':
        schedule.delete(offer.traceId);
        if (paired.has(offer.traceId)) break;
        paired.add(offer.traceId);
        out.judge.push({
          completing: offer.source,
          halves: result.halves,
          known: knownOf(plan, offer.traceId, result.halves),
        });
        break;
      default: {
        const never: never = result;
        throw new Error(`unexpected offer result ${JSON.stringify(never)}`);
      }
    }
  });
  claimed.forEach((result, k) => {
    const claim = plan.claims[k]!;
    if (result.kind === 'paired') {
      const halves: HalfSet = {};
      const known: JudgeDecision['known'] = {};
      for (const h of claim.halves) {
        halves[h.record.role] = h.bytes;
        known[h.record.role] = h;
      }
      out.judge.push({ completing: claim.halves[claim.halves.length - 1]!, halves, known });
      return;
    }
    result.roles.forEach((outcome, j) => {
      const half = claim.halves.find((h) => h.record.role === claim.expected[j]);
      if (half === undefined) return;
      if (outcome.kind === 'duplicate') out.duplicates++;
      else out.late.push(half);
    });
  });
  for (const [traceId, dueAt] of schedule) out.schedule.push({ traceId, dueAt });
  return out;
}
