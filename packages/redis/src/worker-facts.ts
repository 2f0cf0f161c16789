import type { Role } from '@shadowdiff/contracts';
import type { Redis } from 'ioredis';

/**
 * What a worker ran with, as it reported it at start-up: the evidence report's Source section
 * shows these instead of the report's own config (which may be another file, or the defaults).
 */
export interface WorkerFacts {
  service: string;
  groupId: string;
  /** The alignment window the worker waited for a pair's halves. */
  windowMs: number;
  /** The roles a pair needed. */
  roles: Role[];
  /** Short config hash of the worker's config. */
  configHash: string;
  /** Epoch ms of the report (the worker's start). */
  reportedAt: number;
}

/** Kept as long as statistics are (30 days), so a report over past data still finds them. */
const FACTS_TTL_SECONDS = 30 * 24 * 3600;

const factsPrefix = (keyPrefix: string, service: string) => `${keyPrefix}facts:worker:${service}:`;

/** Glob-escapes a literal for SCAN MATCH. */
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

/** One key per service x consumer group: the last worker of the group to start wins. */
export async function writeWorkerFacts(
  client: Redis,
  keyPrefix: string,
  facts: WorkerFacts,
): Promise<void> {
  await client.set(
    `${factsPrefix(keyPrefix, facts.service)}${facts.groupId}`,
    JSON.stringify(facts),
    'EX',
    FACTS_TTL_SECONDS,
  );
}

/** Every worker group's facts for a service, newest report first. */
export async function readWorkerFacts(
  client: Redis,
  keyPrefix: string,
  service: string,
): Promise<WorkerFacts[]> {
  const match = `${globEscape(factsPrefix(keyPrefix, service))}*`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', match, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0' && keys.length < 1_000);
  if (keys.length === 0) return [];
  const values = await client.mget(...keys);
  const out: WorkerFacts[] = [];
  for (const v of values) {
    if (v === null) continue;
    try {
      out.push(JSON.parse(v) as WorkerFacts);
    } catch {
      // A value we did not write: skip it.
    }
  }
  return out.sort((a, b) => b.reportedAt - a.reportedAt);
}
