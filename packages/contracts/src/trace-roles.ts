import { ROLES } from './roles.js';
import type { Role } from './roles.js';
import type { TapRecord } from './tap-record.js';

/**
 * `meta.roles` of a TapRecord (added in TapRecord v1.1, additive): the roles the tap sent this
 * trace to, comma-separated in `ROLES` order, e.g. `primary,shadow,secondary` when a mirror tap
 * self-checked the request (asked the primary a second time). Stamped by mirror taps on every half
 * of a trace so a worker knows, per trace, which halves to wait for. Absent on sidecar records:
 * the worker then uses its configured roles.
 */
export const META_ROLES = 'roles';

/** The value of `meta.roles` for a set of roles (always in `ROLES` order). */
export function formatTraceRoles(roles: readonly Role[]): string {
  return ROLES.filter((r) => roles.includes(r)).join(',');
}

/**
 * The roles a record's trace expects (`meta.roles`), or undefined when it does not say (sidecar
 * taps, older taps) or says something unusable (fewer than two known roles, no primary).
 */
export function readTraceRoles(record: Pick<TapRecord, 'meta'>): Role[] | undefined {
  const value = record.meta?.[META_ROLES];
  if (value === undefined) return undefined;
  const named = value.split(',').map((s) => s.trim());
  const roles = ROLES.filter((r) => named.includes(r));
  if (roles.length < 2 || !roles.includes('primary')) return undefined;
  return roles;
}
