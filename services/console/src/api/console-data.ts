import type { DiffKind } from '@shadowdiff/contracts';
import type { ExamplePair, RouteStats, SampleKind, SampleStore } from '@shadowdiff/engine';
import type { ConsoleNoise, NoiseEntryView } from '../noise/console-noise.js';
import { buildFieldTree } from '../stats/field-tree.js';
import type { FieldNode, NoiseFlag } from '../stats/field-tree.js';
import { recountStats } from '../stats/recount.js';
import type { Recount } from '../stats/recount.js';
import { summarizeRoute, sumStats } from '../stats/route-row.js';
import type { RouteRow } from '../stats/route-row.js';
import { exampleView } from './example-view.js';
import type { ExampleView } from './example-view.js';

export interface TimeRange {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

/** One route's statistics over a range, recounted with the noise decided since. */
export interface RouteStatsRead {
  stats: RouteStats;
  lastSeen: number;
  /** What the recount changed; absent when no active noise entry touched the route's pairs. */
  recount?: Recount;
}

export interface Overview extends TimeRange {
  rows: RouteRow[];
  /** Every listed route summed. */
  totals: RouteRow;
}

export interface RouteDetail extends TimeRange {
  row: RouteRow;
  tree: FieldNode[];
  /** Outcome counts per bucket, oldest first. */
  series: RouteStats['series'];
  bucketMs: number;
  /** Orphan and error examples exist for these outcomes. */
  noise: NoiseEntryView[];
}

export interface ExampleSummary {
  traceId: string;
  outcome: string;
  decidedAt: number;
  status: Partial<Record<string, number>>;
  latencyMs: Partial<Record<string, number>>;
  diffs: number;
  /** The finding this example was kept for (kind + path), with its values. */
  finding?: {
    kind: DiffKind;
    /** Template path (the grouping key). */
    path: string;
    /** Where in this pair, when the path crosses an array: `/items[sku=SKU-66-1]/price`. */
    at?: string;
    severity: string;
    primary?: unknown;
    shadow?: unknown;
  };
}

/** Routes whose statistics are asked for in one store call. */
const CHUNK = 100;

/**
 * The console's reads, shared by the HTTP API, the report and the gate. Every read is bounded by
 * routes x buckets in the range (the route index narrows routes to those written since `from`),
 * and the overview's per-route sums are computed by the store: nothing scans keys or verdicts.
 */
export class ConsoleData {
  constructor(
    private readonly samples: SampleStore,
    private readonly noise?: ConsoleNoise,
  ) {}

  /** The store itself, for the report's bounded example reads. */
  samplesOf(): SampleStore {
    return this.samples;
  }

  hasNoise(): boolean {
    return this.noise !== undefined;
  }

  /** Active and decided noise entries of a service (empty without noise), grouped by route. */
  private async noiseByRoute(service?: string): Promise<Map<string, NoiseEntryView[]>> {
    const out = new Map<string, NoiseEntryView[]>();
    if (!this.noise) return out;
    for (const e of await this.noise.list(service)) {
      const key = JSON.stringify([e.service, e.route]);
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push(e);
    }
    return out;
  }

  /**
   * Every route with data since `from` (optionally of one service) over the range, in one batched
   * read (`statsMany`: the store merges each route's buckets where they live). No per-bucket series.
   * Each route is recounted with the noise learned or confirmed on it (see recountStats), so its
   * diff rate and top fields hold for the whole range, not only for pairs judged after a decision.
   */
  async routeStats(range: TimeRange, service?: string): Promise<RouteStatsRead[]> {
    const [listed, noise] = await Promise.all([
      this.samples.routes({ since: range.from }),
      this.noiseByRoute(service),
    ]);
    const routes = listed.filter((r) => service === undefined || r.service === service);
    const out: RouteStatsRead[] = [];
    // Chunks bound one reply's size on a fleet with many routes.
    for (let i = 0; i < routes.length; i += CHUNK) {
      const chunk = routes.slice(i, i + CHUNK);
      const stats = await this.samples.statsMany(
        chunk.map((r) => ({ service: r.service, route: r.route, ...range })),
      );
      stats.forEach((s, j) => {
        const recounted = recountStats(s, noise.get(JSON.stringify([s.service, s.route])));
        out.push({
          stats: recounted.stats,
          lastSeen: chunk[j]!.lastSeen,
          ...(recounted.recount ? { recount: recounted.recount } : {}),
        });
      });
    }
    return out;
  }

  async overview(range: TimeRange, service?: string): Promise<Overview> {
    const all = await this.routeStats(range, service);
    const withData = all.filter(
      (r) => r.stats.pairs > 0 || r.stats.late > 0 || sumValues(r.stats.unmirrored) > 0,
    );
    const rows = withData.map((r) =>
      summarizeRoute(r.stats, r.lastSeen, r.recount ? { recount: r.recount } : {}),
    );
    rows.sort((a, b) => b.pairs - a.pairs || a.route.localeCompare(b.route));
    const totals = summarizeRoute(
      sumStats(
        withData.map((r) => r.stats),
        service ?? '*',
        '*',
      ),
    );
    return { ...range, rows, totals };
  }

  async noiseEntries(service?: string, route?: string): Promise<NoiseEntryView[]> {
    if (!this.noise) return [];
    const list = await this.noise.list(service);
    return route === undefined ? list : list.filter((e) => e.route === route);
  }

  async route(service: string, route: string, range: TimeRange): Promise<RouteDetail> {
    const [raw, noise] = await Promise.all([
      this.samples.stats({ service, route, ...range }),
      this.noiseEntries(service, route),
    ]);
    const { stats, recount } = recountStats(
      raw,
      noise.filter((e) => e.service === service),
    );
    const flags = new Map<string, NoiseFlag>();
    for (const e of noise) flags.set(`${e.kind} ${e.path}`, { state: e.state, id: e.id });
    return {
      ...range,
      row: summarizeRoute(stats, undefined, recount ? { recount } : {}),
      tree: buildFieldTree(stats, flags),
      // The per-bucket sets served the recount; the chart needs only the outcomes.
      series: stats.series.map(({ at, outcomes }) => ({ at, outcomes })),
      bucketMs: stats.bucketMs,
      noise,
    };
  }

  async examples(
    service: string,
    route: string,
    kind: SampleKind,
    path: string,
    limit?: number,
  ): Promise<ExampleSummary[]> {
    const list = await this.samples.examples({
      service,
      route,
      kind,
      path,
      ...(limit !== undefined ? { limit } : {}),
    });
    return list.map((e) => summarizeExample(e, kind, path));
  }

  /** One stored example decoded for display; undefined when it aged out of the store. */
  async example(
    service: string,
    route: string,
    kind: SampleKind,
    path: string,
    traceId: string,
  ): Promise<ExampleView | undefined> {
    const list = await this.samples.examples({ service, route, kind, path });
    const found = list.find((e) => e.verdict.traceId === traceId);
    return found ? exampleView(found, route) : undefined;
  }
}

function sumValues(record: Record<string, number>): number {
  return Object.values(record).reduce((a, b) => a + b, 0);
}

export function summarizeExample(e: ExamplePair, kind: SampleKind, path: string): ExampleSummary {
  const v = e.verdict;
  const finding =
    kind === 'outcome'
      ? undefined
      : (v.diffs.find((d) => d.kind === kind && d.path === path) ??
        v.diffs.find((d) => d.kind === kind));
  return {
    traceId: v.traceId,
    outcome: v.outcome,
    decidedAt: v.decidedAt,
    status: v.status,
    latencyMs: v.latencyMs,
    diffs: v.diffs.length,
    ...(finding
      ? {
          finding: {
            kind: finding.kind,
            path: finding.path,
            ...(finding.at !== undefined ? { at: finding.at } : {}),
            severity: finding.severity,
            ...(finding.primary !== undefined ? { primary: finding.primary } : {}),
            ...(finding.shadow !== undefined ? { shadow: finding.shadow } : {}),
          },
        }
      : {}),
  };
}
