import type { RouteStats, SampleStore } from '@shadowdiff/engine';

export interface RouteDrift {
  route: string;
  pairs: number;
  diffs: number;
  orphans: number;
  diffRate: number;
  topFields: { kind: string; path: string; count: number; severity: string }[];
  suppressed: number;
}

const SEVERITY_ORDER = ['critical', 'major', 'minor', 'info'] as const;

function worstSeverity(bySeverity: Partial<Record<string, number>>): string {
  return SEVERITY_ORDER.find((s) => (bySeverity[s] ?? 0) > 0) ?? 'info';
}

function toDrift(stats: RouteStats): RouteDrift {
  const diffs = stats.outcomes.diff;
  return {
    route: stats.route,
    pairs: stats.pairs,
    diffs,
    orphans: stats.outcomes.orphan,
    diffRate: stats.pairs === 0 ? 0 : diffs / stats.pairs,
    topFields: [...stats.paths]
      .sort((a, b) => b.total - a.total)
      .slice(0, 5)
      .map((p) => ({
        kind: p.kind,
        path: p.path,
        count: p.total,
        severity: worstSeverity(p.bySeverity),
      })),
    suppressed: stats.suppressed.reduce((sum, s) => sum + s.total, 0),
  };
}

/** Per-route drift over [from, to], most drifting first. */
export async function driftSummary(
  samples: SampleStore,
  service: string,
  from: number,
  to: number,
): Promise<RouteDrift[]> {
  const routes = (await samples.routes()).filter((r) => r.service === service);
  const all = await Promise.all(
    routes.map((r) => samples.stats({ service, route: r.route, from, to })),
  );
  return all.map(toDrift).sort((a, b) => b.diffRate - a.diffRate || a.route.localeCompare(b.route));
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function renderSummary(rows: readonly RouteDrift[]): string {
  const lines = ['', 'Drift by route (after noise removal):', ''];
  const width = Math.max(5, ...rows.map((r) => r.route.length));
  lines.push(
    `  ${'route'.padEnd(width)}  ${'pairs'.padStart(6)}  ${'diff rate'.padStart(9)}  ${'orphans'.padStart(7)}  top drifting fields`,
  );
  for (const r of rows) {
    const fields =
      r.topFields.length === 0
        ? `— (${r.suppressed} noise diffs suppressed)`
        : r.topFields
            .map(
              (f) =>
                `${f.kind === 'body' ? f.path : `${f.kind}:${f.path}`} ×${f.count} [${f.severity}]`,
            )
            .join(', ');
    lines.push(
      `  ${r.route.padEnd(width)}  ${String(r.pairs).padStart(6)}  ${pct(r.diffRate).padStart(9)}  ${String(r.orphans).padStart(7)}  ${fields}`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
