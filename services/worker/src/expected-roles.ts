import { META_ROLES, readTraceRoles } from '@shadowdiff/contracts';
import type { Role, ShadowdiffConfig, TapRecord } from '@shadowdiff/contracts';

/** Roles a pair needs: `worker.roles`, plus `secondary` when Diffy-style noise learning is on. */
export function expectedRoles(config: Pick<ShadowdiffConfig, 'worker' | 'noise'>): Role[] {
  const roles = new Set<Role>(config.worker.roles);
  if (config.noise.secondary.enabled) roles.add('secondary');
  return [...roles];
}

/**
 * The roles one trace needs: what its tap says it sent (`meta.roles`, stamped by mirror taps, e.g.
 * `primary,shadow,secondary` for a self-checked request), else the configured ones (sidecar taps
 * say nothing). A trace with a secondary waits for it; one without does not.
 */
export class TraceRoles {
  /** `meta.roles` value -> parsed roles (a handful of distinct values: no bound needed past 16). */
  private readonly parsed = new Map<string, readonly Role[]>();

  constructor(readonly configured: readonly Role[]) {}

  of(record: Pick<TapRecord, 'meta'>): readonly Role[] {
    const value = record.meta?.[META_ROLES];
    if (value === undefined) return this.configured;
    let roles = this.parsed.get(value);
    if (roles === undefined) {
      roles = readTraceRoles(record) ?? this.configured;
      if (this.parsed.size < 16) this.parsed.set(value, roles);
    }
    return roles;
  }
}

/**
 * The roles to judge a due trace with: a missing `secondary` never makes an orphan — the pair is
 * judged without it (primary vs shadow, no self-check), so its verdict is not lost. Any other
 * missing role keeps the trace an orphan.
 */
export function judgeableRoles(
  expected: readonly Role[],
  present: Partial<Record<Role, unknown>>,
): readonly Role[] {
  if (!expected.includes('secondary') || present.secondary !== undefined) return expected;
  const rest = expected.filter((r) => r !== 'secondary');
  return rest.length >= 2 && rest.every((r) => present[r] !== undefined) ? rest : expected;
}
