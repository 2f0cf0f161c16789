import { createHash } from 'node:crypto';
import type { ValueClass } from '@shadowdiff/engine';

/**
 * Key layout of the noise store under the prefix. A service's keys share `noise:<service>:`
 * (the service URI-encoded so a `:` in it cannot collide with the layout).
 */
export const noiseKeys = {
  services: (prefix: string) => `${prefix}noise:services`,
  /** HASH route -> pairs compared. */
  routes: (prefix: string, service: string) => `${base(prefix, service)}routes`,
  /** HASH entry id -> JSON [route, kind, aspect, path]. */
  index: (prefix: string, service: string) => `${base(prefix, service)}index`,
  /** HASH of one entry's counters (see ENTRY_FIELDS) and `learnedAt`. */
  entry: (prefix: string, service: string, id: string) => `${base(prefix, service)}e:${id}`,
  /** ZSET: the entry's KMV sketch, member = score = a 32-bit hash. */
  sketch: (prefix: string, service: string, id: string) => `${base(prefix, service)}k:${id}`,
  /** HASH route id -> route, for the secondary counters. */
  secondaryIndex: (prefix: string, service: string) => `${base(prefix, service)}secidx`,
  /** HASH `pairs` and `s|p <kind> <op> <path>` counters of one route. */
  secondary: (prefix: string, service: string, routeId: string) =>
    `${base(prefix, service)}sec:${routeId}`,
  /** HASH entry id -> JSON decision record. Never expires. */
  decisions: (prefix: string, service: string) => `${base(prefix, service)}decisions`,
};

function base(prefix: string, service: string): string {
  return `${prefix}noise:${encodeURIComponent(service)}:`;
}

/** Short id of a route for key names. */
export function routeId(route: string): string {
  return createHash('sha256').update(route).digest('hex').slice(0, 16);
}

/** Hash fields of an entry's counters. */
export const ENTRY_FIELDS = {
  since: 'since',
  changes: 'changes',
  other: 'other',
  rises: 'rises',
  steps: 'steps',
  sortedPrimary: 'sp',
  sortedShadow: 'ss',
  learnedAt: 'learnedAt',
  learnedSamples: 'learnedSamples',
} as const;

/** Field of one value class's count. */
export const classField = (cls: ValueClass) => `c:${cls}`;
