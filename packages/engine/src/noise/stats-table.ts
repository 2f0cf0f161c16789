import type {
  NoiseDelta,
  NoiseEntryDelta,
  RouteNoiseDelta,
  NoiseEntryStats,
  NoiseMark,
  RouteNoiseStats,
  SecondaryStats,
  ValueClass,
} from '../ports/noise-store.js';
import { KmvSketch } from './sketch.js';

interface StoredEntry {
  stats: Omit<NoiseEntryStats, 'distinct'>;
  sketch: KmvSketch;
}

interface StoredRoute {
  pairs: number;
  entries: Map<string, StoredEntry>;
  secondaryPairs: number;
  secondary: Map<string, SecondaryStats['paths'][number]>;
}

const SEP = '\u0000';

/** A learned mark as {@link NoiseStatsTable.snapshot} returns it (the service is the table's). */
export interface NoiseTableMark {
  route: string;
  kind: NoiseEntryStats['kind'];
  aspect: NoiseEntryStats['aspect'];
  path: string;
  at: number;
  samples: number;
}

/**
 * Noise statistics folded in memory: what a store adds up from workers' windows, minus
 * persistence. The memory store keeps one per service; tests use it as a store without I/O.
 * Adding windows in any order gives the same totals (sketches merge exactly).
 */
export class NoiseStatsTable {
  private readonly routes = new Map<string, StoredRoute>();

  record(delta: Pick<NoiseDelta, 'routes'>): void {
    for (const r of delta.routes) {
      let route = this.routes.get(r.route);
      if (route === undefined) {
        route = { pairs: 0, entries: new Map(), secondaryPairs: 0, secondary: new Map() };
        this.routes.set(r.route, route);
      }
      const before = route.pairs;
      route.pairs += r.pairs;
      for (const e of r.entries) this.entry(route, before, e);
      if (r.secondary !== undefined) {
        route.secondaryPairs += r.secondary.pairs;
        for (const p of r.secondary.paths) {
          const key = `${p.kind}${SEP}${p.op}${SEP}${p.path}`;
          const got = route.secondary.get(key);
          if (got === undefined) route.secondary.set(key, { ...p });
          else {
            got.secondary += p.secondary;
            got.shadow += p.shadow;
          }
        }
      }
    }
  }

  private entry(route: StoredRoute, before: number, e: NoiseEntryDelta): void {
    const key = `${e.kind}${SEP}${e.aspect}${SEP}${e.path}`;
    let stored = route.entries.get(key);
    if (stored === undefined) {
      stored = {
        stats: {
          kind: e.kind,
          aspect: e.aspect,
          path: e.path,
          since: before + e.firstAt,
          changes: 0,
          other: 0,
          classes: {},
          rises: 0,
          steps: 0,
          sortedPrimary: 0,
          sortedShadow: 0,
        },
        sketch: new KmvSketch(),
      };
      route.entries.set(key, stored);
    }
    const s = stored.stats;
    s.changes += e.changes;
    s.other += e.other;
    for (const [cls, n] of Object.entries(e.classes) as [ValueClass, number][]) {
      s.classes[cls] = (s.classes[cls] ?? 0) + n;
    }
    s.rises += e.rises;
    s.steps += e.steps;
    s.sortedPrimary += e.sortedPrimary;
    s.sortedShadow += e.sortedShadow;
    stored.sketch.addAll(e.hashes);
  }

  /** Marks an entry learned at `at` unless it already is; false when the entry is unknown. */
  markLearned(mark: NoiseMark, at: number): boolean {
    const { route, kind, aspect, path } = mark.key;
    const stored = this.routes.get(route)?.entries.get(`${kind}${SEP}${aspect}${SEP}${path}`);
    if (stored === undefined) return false;
    if (stored.stats.learnedAt === undefined) {
      stored.stats.learnedAt = at;
      stored.stats.learnedSamples = mark.samples;
    }
    return true;
  }

  /** The statistics of every route (copies). */
  routeStats(): RouteNoiseStats[] {
    const out: RouteNoiseStats[] = [];
    for (const [name, r] of this.routes) {
      const entries: NoiseEntryStats[] = [];
      for (const e of r.entries.values()) {
        entries.push({
          ...e.stats,
          classes: { ...e.stats.classes },
          distinct: e.sketch.estimate(),
        });
      }
      const route: RouteNoiseStats = { route: name, pairs: r.pairs, entries };
      if (r.secondaryPairs > 0) {
        route.secondary = {
          pairs: r.secondaryPairs,
          paths: [...r.secondary.values()].map((p) => ({ ...p })),
        };
      }
      out.push(route);
    }
    return out;
  }

  /**
   * The table as one delta plus its learned marks: recording the delta into an empty table and
   * applying the marks gives back the same statistics, sketches included (what a one-process run
   * saves to disk to resume).
   */
  snapshot(): { routes: RouteNoiseDelta[]; learned: NoiseTableMark[] } {
    const routes: RouteNoiseDelta[] = [];
    const learned: NoiseTableMark[] = [];
    for (const [name, r] of this.routes) {
      const entries: NoiseEntryDelta[] = [];
      for (const { stats, sketch } of r.entries.values()) {
        const { since, learnedAt, learnedSamples, classes, ...counts } = stats;
        entries.push({
          ...counts,
          classes: { ...classes },
          firstAt: since,
          hashes: sketch.hashes(),
        });
        if (learnedAt !== undefined) {
          learned.push({
            route: name,
            kind: stats.kind,
            aspect: stats.aspect,
            path: stats.path,
            at: learnedAt,
            samples: learnedSamples ?? 0,
          });
        }
      }
      const route: RouteNoiseDelta = { route: name, pairs: r.pairs, entries };
      if (r.secondaryPairs > 0) {
        route.secondary = {
          pairs: r.secondaryPairs,
          paths: [...r.secondary.values()].map((p) => ({ ...p })),
        };
      }
      routes.push(route);
    }
    return { routes, learned };
  }

  get size(): number {
    return this.routes.size;
  }
}
