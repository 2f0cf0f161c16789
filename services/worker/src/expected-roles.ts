import type { Role, ShadowdiffConfig } from '@shadowdiff/contracts';

/** Roles a pair needs: `worker.roles`, plus `secondary` when Diffy-style noise learning is on. */
export function expectedRoles(config: Pick<ShadowdiffConfig, 'worker' | 'noise'>): Role[] {
  const roles = new Set<Role>(config.worker.roles);
  if (config.noise.secondary.enabled) roles.add('secondary');
  return [...roles];
}
