import { randomUUID } from 'node:crypto';

/** A per-test name (topic, group, queue, key prefix) so tests never see each other's data. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
