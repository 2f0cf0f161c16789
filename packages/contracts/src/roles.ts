/**
 * `primary` answers the user; `shadow` is the version under test; `secondary` is an optional second
 * primary instance whose differences from `primary` are pure noise (Diffy's trick).
 */
export const ROLES = ['primary', 'shadow', 'secondary'] as const;
export type Role = (typeof ROLES)[number];

export const UPSTREAM_ERROR_KINDS = ['timeout', 'refused', 'reset', 'other'] as const;
export type UpstreamErrorKind = (typeof UPSTREAM_ERROR_KINDS)[number];
