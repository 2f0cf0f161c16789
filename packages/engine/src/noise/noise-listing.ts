import type { NoiseDecisionRecord, NoiseKey } from '../ports/noise-store.js';
import type { NoiseEvidence, NoiseStatus } from './learner.js';
import { noiseId } from './noise-id.js';

/** One entry as `noise list`, the console and `export` show it. */
export interface NoiseListing extends NoiseKey {
  id: string;
  status: NoiseStatus;
  evidence: NoiseEvidence;
  /** Why it is (or is not yet) noise. */
  reason: string;
  learnedAt?: number;
  decision?: Omit<NoiseDecisionRecord, 'route' | 'kind' | 'aspect' | 'path'>;
}

export function listing(
  key: NoiseKey,
  status: NoiseStatus,
  evidence: NoiseEvidence,
  reason: string,
  learnedAt: number | undefined,
  decision: NoiseDecisionRecord | undefined,
): NoiseListing {
  const out: NoiseListing = { id: noiseId(key), ...key, status, evidence, reason };
  if (learnedAt !== undefined) out.learnedAt = learnedAt;
  if (decision !== undefined) {
    out.decision = { decision: decision.decision, at: decision.at };
    if (decision.note !== undefined) out.decision.note = decision.note;
  }
  return out;
}

const STATUS_ORDER: Record<NoiseStatus, number> = {
  confirmed: 0,
  learned: 1,
  rejected: 2,
  observing: 3,
};

export function byListing(a: NoiseListing, b: NoiseListing): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    (a.route < b.route ? -1 : a.route > b.route ? 1 : 0) ||
    (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    (a.aspect < b.aspect ? -1 : a.aspect > b.aspect ? 1 : 0)
  );
}
