import { decodeTapRecord } from '@shadowdiff/contracts';
import type { DecodeError, Role, TapRecord } from '@shadowdiff/contracts';
import type { HalfSet } from '../ports/pending-store.js';
import type { CompiledRules } from '../route/compile-rules.js';
import { matchRoute } from '../route/template-route.js';
import type { RouteMatch } from '../route/template-route.js';
import type { ClassifiedHalf } from './classify.js';

export interface PairRecords {
  records: Partial<Record<Role, TapRecord>>;
  /**
   * The anchor's route (primary, else shadow, else secondary; what the verdict is filed under):
   * the one classify templated when the anchor came in this batch, else templated now, once.
   */
  route: RouteMatch | undefined;
  /** Stored halves that no longer decode (they decoded once: the store corrupted them). */
  undecodable: { role: Role; error: DecodeError }[];
}

/**
 * A pair's records (pure): halves that came in this batch are reused as classified, the others
 * are decoded from the store's bytes, once.
 */
export function pairRecords(
  halves: HalfSet,
  known: Partial<Record<Role, ClassifiedHalf>>,
  rules: CompiledRules,
): PairRecords {
  const records: PairRecords['records'] = {};
  const undecodable: PairRecords['undecodable'] = [];
  for (const [role, bytes] of Object.entries(halves) as [Role, Uint8Array][]) {
    const half = known[role];
    if (half !== undefined) {
      records[role] = half.record;
      continue;
    }
    const decoded = decodeTapRecord(bytes);
    if (decoded.ok) records[role] = decoded.value;
    else undecodable.push({ role, error: decoded.error });
  }
  const anchorRole: Role | undefined = records.primary
    ? 'primary'
    : records.shadow
      ? 'shadow'
      : records.secondary
        ? 'secondary'
        : undefined;
  let route: RouteMatch | undefined;
  if (anchorRole !== undefined) {
    const anchor = records[anchorRole]!;
    const half = known[anchorRole];
    route =
      half !== undefined && half.record === anchor
        ? half.route
        : matchRoute(anchor.request.method, anchor.request.url, rules);
  }
  return { records, route, undecodable };
}
