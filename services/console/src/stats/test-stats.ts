import { OUTCOMES } from '@shadowdiff/contracts';
import type { Outcome } from '@shadowdiff/contracts';
import { RouteStatsBuilder, latencyBucket } from '@shadowdiff/engine';
import type { RouteStats, RouteStatsDelta } from '@shadowdiff/engine';

/** RouteStats as a store would return them, from one bucket of counts (test fixture). */
export function routeStats(
  route: string,
  bucket: Partial<Omit<RouteStatsDelta, 'service' | 'route' | 'minute'>> & {
    outcomes?: Partial<Record<Outcome, number>>;
    /** Latencies (ms) per role, turned into histogram counts. */
    ms?: { primary?: number[]; shadow?: number[] };
  },
  service = 'shop',
): RouteStats {
  const builder = new RouteStatsBuilder({ service, route, from: 0, to: 60_000 }, 60_000);
  const latency: RouteStatsDelta['latency'] = {};
  for (const role of ['primary', 'shadow'] as const) {
    for (const v of bucket.ms?.[role] ?? []) {
      const h = (latency[role] ??= {});
      const b = latencyBucket(v);
      h[b] = (h[b] ?? 0) + 1;
    }
  }
  builder.add(0, {
    outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, bucket.outcomes?.[o] ?? 0])),
    late: bucket.late ?? 0,
    diffs: bucket.diffs ?? [],
    latency: { ...latency, ...(bucket.latency ?? {}) },
    responses: bucket.responses ?? {},
    ...(bucket.suppressed ? { suppressed: bucket.suppressed } : {}),
    ...(bucket.missing ? { missing: bucket.missing } : {}),
    ...(bucket.unmirrored ? { unmirrored: bucket.unmirrored } : {}),
    ...(bucket.diffSets ? { diffSets: bucket.diffSets } : {}),
    ...(bucket.diffSetsDropped ? { diffSetsDropped: bucket.diffSetsDropped } : {}),
    ...(bucket.paired ? { paired: bucket.paired } : {}),
  });
  return builder.build();
}
