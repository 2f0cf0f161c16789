import type { Clock } from '@shadowdiff/engine';

/** Wall-clock time; the default of every embedded adapter. */
export const systemClock: Clock = { now: () => Date.now() };
