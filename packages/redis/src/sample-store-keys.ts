import type { DiffKind, Outcome, Role, Severity, SuppressReason } from '@shadowdiff/contracts';
import { DIFF_SET_SEPARATOR, diffSetKey } from '@shadowdiff/engine';
import type { RouteStatsDelta, SampleKind } from '@shadowdiff/engine';

/**
 * Key and field layout of the Redis sample store (documented in the package README):
 *   {prefix}stats:m:{minuteStart}:{service}:{route}   HASH, one per route per minute
 *   {prefix}stats:h:{hourStart}:{service}:{route}     HASH, same fields, one per route per hour
 *   {prefix}routes                                     ZSET of JSON [service, route] -> last seen ms
 *   {prefix}ex:{service}:{route}:{kind}:{path}        LIST of example JSON, newest first
 * service, route and path are URI-encoded, so `:` inside them never splits a key.
 * Hash fields: o:{outcome}, late, d:{kind}:{severity}:{path}, l:{role}:{bucket}, r:{role}:{class},
 * s:{kind}:{reason}:{path} (suppressed), m:{role} (orphans by missing role), u:{reason} (unmirrored),
 * pr:{bucket} / pd:{bucket} (paired latency ratio / difference histograms), c:{set} (noise-explainable
 * diff pairs by set of `kind path`, joined by U+001F; at most DIFF_SETS_PER_BUCKET per hash, counted
 * in cn), cx (such pairs not kept by set).
 */
const enc = encodeURIComponent;

export function routePart(service: string, route: string): string {
  return `${enc(service)}:${enc(route)}`;
}

export function statsKey(prefix: string, width: 'm' | 'h', start: number, rk: string): string {
  return `${prefix}stats:${width}:${start}:${rk}`;
}

export function exampleKey(
  prefix: string,
  service: string,
  route: string,
  kind: SampleKind,
  path: string,
): string {
  return `${prefix}ex:${routePart(service, route)}:${kind}:${enc(path)}`;
}

export function routesKey(prefix: string): string {
  return `${prefix}routes`;
}

/** A delta as flat hash increments: field, count, field, count ... */
export function deltaFields(delta: RouteStatsDelta): (string | number)[] {
  const out: (string | number)[] = [];
  for (const [o, n] of Object.entries(delta.outcomes)) if (n) out.push(`o:${o}`, n);
  if (delta.late) out.push('late', delta.late);
  for (const d of delta.diffs) out.push(`d:${d.kind}:${d.severity}:${d.path}`, d.count);
  for (const [role, sparse] of Object.entries(delta.latency)) {
    for (const [i, n] of Object.entries(sparse)) if (n) out.push(`l:${role}:${i}`, n);
  }
  for (const [role, classes] of Object.entries(delta.responses)) {
    for (const [c, n] of Object.entries(classes)) if (n) out.push(`r:${role}:${c}`, n);
  }
  for (const s of delta.suppressed ?? [])
    if (s.count) out.push(`s:${s.kind}:${s.reason}:${s.path}`, s.count);
  for (const [role, n] of Object.entries(delta.missing ?? {})) if (n) out.push(`m:${role}`, n);
  for (const [reason, n] of Object.entries(delta.unmirrored ?? {}))
    if (n) out.push(`u:${reason}`, n);
  for (const [i, n] of Object.entries(delta.paired?.ratio ?? {})) if (n) out.push(`pr:${i}`, n);
  for (const [i, n] of Object.entries(delta.paired?.delta ?? {})) if (n) out.push(`pd:${i}`, n);
  if (delta.diffSetsDropped) out.push('cx', delta.diffSetsDropped);
  return out;
}

/** The delta's diff sets as field, count pairs for the capped increment script. */
export function diffSetFields(delta: RouteStatsDelta): (string | number)[] {
  const out: (string | number)[] = [];
  for (const set of delta.diffSets ?? [])
    if (set.count) out.push(`c:${diffSetKey(set.paths)}`, set.count);
  return out;
}

type Bucket = Omit<RouteStatsDelta, 'service' | 'route' | 'minute'>;

/** Parses a stats hash (HGETALL) back into a bucket; unknown fields are skipped. */
export function parseFields(hash: Record<string, string>): Bucket {
  const bucket: Bucket = { outcomes: {}, late: 0, diffs: [], latency: {}, responses: {} };
  for (const [field, raw] of Object.entries(hash)) {
    const n = Number(raw);
    if (!Number.isFinite(n)) continue;
    if (field === 'late') {
      bucket.late += n;
      continue;
    }
    if (field === 'cx') {
      bucket.diffSetsDropped = (bucket.diffSetsDropped ?? 0) + n;
      continue;
    }
    if (field.startsWith('pr:') || field.startsWith('pd:')) {
      const paired = (bucket.paired ??= { ratio: {}, delta: {} });
      const into = field[1] === 'r' ? paired.ratio : paired.delta;
      into[Number(field.slice(3))] = n;
      continue;
    }
    const tag = field.slice(0, 2);
    const rest = field.slice(2);
    if (tag === 'o:') {
      bucket.outcomes[rest as Outcome] = n;
    } else if (tag === 'd:') {
      const a = rest.indexOf(':');
      const b = rest.indexOf(':', a + 1);
      if (a < 0 || b < 0) continue;
      bucket.diffs.push({
        kind: rest.slice(0, a) as DiffKind,
        severity: rest.slice(a + 1, b) as Severity,
        path: rest.slice(b + 1),
        count: n,
      });
    } else if (tag === 's:') {
      const a = rest.indexOf(':');
      const b = rest.indexOf(':', a + 1);
      if (a < 0 || b < 0) continue;
      (bucket.suppressed ??= []).push({
        kind: rest.slice(0, a) as DiffKind,
        reason: rest.slice(a + 1, b) as SuppressReason,
        path: rest.slice(b + 1),
        count: n,
      });
    } else if (tag === 'c:') {
      if (rest.length > 0)
        (bucket.diffSets ??= []).push({ paths: rest.split(DIFF_SET_SEPARATOR), count: n });
    } else if (tag === 'm:') {
      (bucket.missing ??= {})[rest as Role] = n;
    } else if (tag === 'u:') {
      (bucket.unmirrored ??= {})[rest] = n;
    } else if (tag === 'l:' || tag === 'r:') {
      const a = rest.indexOf(':');
      if (a < 0) continue;
      const role = rest.slice(0, a) as Role;
      const key = rest.slice(a + 1);
      if (tag === 'l:') (bucket.latency[role] ??= {})[Number(key)] = n;
      else (bucket.responses[role] ??= {})[key] = n;
    }
  }
  return bucket;
}
