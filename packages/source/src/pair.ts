import { formatTraceRoles } from '@shadowdiff/contracts';
import type { Recorder, Side } from './recorder.js';

const PAIR_ROLES = formatTraceRoles(['primary', 'shadow']);
const TRIO_ROLES = formatTraceRoles(['primary', 'shadow', 'secondary']);

/**
 * In mirror mode the halves are published together, once all settled: a half whose partner was
 * abandoned (client gone, mirror body over the cap) would only ever become an orphan. A
 * self-checked trace has a third half (`secondary`, the primary asked again); every half says in
 * `meta.roles` which roles its trace has, so the worker waits for exactly those. A secondary that
 * was not sent after all (the primary failed) leaves a plain pair.
 */
export class Pair {
  private primary: Side | null | undefined;
  private shadow: Side | null | undefined;
  private secondary: Side | null | undefined;

  constructor(
    private readonly recorder: Recorder,
    withSecondary: boolean,
  ) {
    if (!withSecondary) this.secondary = null;
  }

  settle(side: 'primary' | 'shadow' | 'secondary', value: Side | null): void {
    if (side === 'primary') this.primary = value;
    else if (side === 'shadow') this.shadow = value;
    else this.secondary = value;
    const { primary, shadow, secondary } = this;
    if (primary === undefined || shadow === undefined || secondary === undefined) return;
    if (primary === null || shadow === null) return;
    const roles = secondary === null ? PAIR_ROLES : TRIO_ROLES;
    primary.roles = roles;
    shadow.roles = roles;
    this.recorder.publish(primary);
    this.recorder.publish(shadow);
    if (secondary !== null) {
      secondary.roles = roles;
      this.recorder.publish(secondary);
    }
  }
}
