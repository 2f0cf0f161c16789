import type { DiffKind, DiffOp } from '@shadowdiff/contracts';
import type {
  NoiseAspect,
  NoiseDelta,
  NoiseDiffKind,
  NoiseEntryDelta,
  RouteNoiseDelta,
  SecondaryDelta,
  ValueClass,
} from '../ports/noise-store.js';
import { KmvSketch, hash32 } from './sketch.js';
import { classifyChange, lastSegment, numericValue } from './value-class.js';

/** One primary-vs-shadow finding of a pair, as the learner sees it. */
export interface ObservedChange {
  kind: DiffKind;
  path: string;
  op: DiffOp;
  /** Both values, when the finding was reported (a suppressed one carries none). */
  values?: { primary: unknown; shadow: unknown };
}

/** An array found to differ between the sides of a pair (see `compareArrays`). */
export interface ObservedOrder {
  path: string;
  /** Same elements in another order; false when the elements themselves differed. */
  permutation: boolean;
  sortedPrimary: boolean;
  sortedShadow: boolean;
}

/** One compared pair. */
export interface PairObservation {
  route: string;
  changes: readonly ObservedChange[];
  orders?: readonly ObservedOrder[];
  /** Diffy role: the pair's primary-vs-secondary findings, when a secondary answered too. */
  secondary?: readonly { kind: DiffKind; path: string; op: DiffOp }[];
  /**
   * When the primary's request was captured (epoch ms). Counter evidence orders values by it, so
   * pairs judged out of request order (a fleet's partitions, concurrent requests) still count.
   */
  capturedAt?: number;
}

export interface NoiseAccumulatorOptions {
  service: string;
  /** Routes tracked per window; later ones are dropped (counted). Default 500. */
  maxRoutes?: number;
  /** Entries (and secondary paths) tracked per route per window. Default 100. */
  maxEntriesPerRoute?: number;
}

interface EntryWindow {
  delta: NoiseEntryDelta;
  sketch: KmvSketch | undefined;
}

type SecondaryPath = SecondaryDelta['paths'][number];

interface RouteWindow {
  pairs: number;
  entries: Map<string, EntryWindow>;
  secondary: { pairs: number; index: Map<string, SecondaryPath> };
}

const SEP = '\u0000';

/** How many observations back a primary value is compared with for counter evidence. */
export const COUNTER_LAG = 8;

function isNoiseKind(kind: DiffKind): kind is NoiseDiffKind {
  return kind !== 'status';
}

/**
 * Folds compared pairs into one window of additive statistics (a {@link NoiseDelta}) for a store.
 * Only value changes (`replace`) are learnable: structural changes (add, remove, type) and status
 * findings are never noise, so they are not even counted. Memory is bounded: routes and entries
 * per route are capped per window, each entry's distinct values are a KMV sketch, and the last
 * few primary values per entry (counter evidence) live in a map cleared when it grows past its cap.
 */
export class NoiseAccumulator {
  private readonly service: string;
  private readonly maxRoutes: number;
  private readonly maxEntries: number;
  private routes = new Map<string, RouteWindow>();
  /** Per route x path, the last COUNTER_LAG (capture time, primary value) pairs, flat, across windows. */
  private readonly recent = new Map<string, number[]>();
  /** Observations dropped by the caps since the last drain. */
  dropped = 0;

  constructor(options: NoiseAccumulatorOptions) {
    this.service = options.service;
    this.maxRoutes = options.maxRoutes ?? 500;
    this.maxEntries = options.maxEntriesPerRoute ?? 100;
  }

  /** Pairs observed since the last drain. */
  get pending(): number {
    let n = 0;
    for (const r of this.routes.values()) n += r.pairs;
    return n;
  }

  observe(pair: PairObservation): void {
    let route = this.routes.get(pair.route);
    if (route === undefined) {
      if (this.routes.size >= this.maxRoutes) {
        this.dropped++;
        return;
      }
      route = { pairs: 0, entries: new Map(), secondary: { pairs: 0, index: new Map() } };
      this.routes.set(pair.route, route);
    }
    const at = route.pairs++;
    for (const change of pair.changes) {
      if (change.op !== 'replace' || !isNoiseKind(change.kind)) continue;
      const entry = this.entry(route, at, change.kind, 'value', change.path);
      if (entry === undefined) continue;
      entry.delta.changes++;
      if (change.values !== undefined)
        this.value(pair.route, entry, change.path, change.values, pair.capturedAt);
    }
    for (const order of pair.orders ?? []) {
      const entry = this.entry(route, at, 'body', 'order', order.path);
      if (entry === undefined) continue;
      if (order.permutation) {
        entry.delta.changes++;
        if (order.sortedPrimary) entry.delta.sortedPrimary++;
        if (order.sortedShadow) entry.delta.sortedShadow++;
      } else {
        entry.delta.other++;
      }
    }
    if (pair.secondary !== undefined) this.secondary(route, pair.changes, pair.secondary);
  }

  private entry(
    route: RouteWindow,
    at: number,
    kind: NoiseDiffKind,
    aspect: NoiseAspect,
    path: string,
  ): EntryWindow | undefined {
    const key = `${kind}${SEP}${aspect}${SEP}${path}`;
    let entry = route.entries.get(key);
    if (entry === undefined) {
      if (route.entries.size >= this.maxEntries) {
        this.dropped++;
        return undefined;
      }
      entry = {
        delta: {
          kind,
          aspect,
          path,
          firstAt: at,
          changes: 0,
          other: 0,
          classes: {},
          hashes: [],
          rises: 0,
          steps: 0,
          sortedPrimary: 0,
          sortedShadow: 0,
        },
        sketch: undefined,
      };
      route.entries.set(key, entry);
    }
    return entry;
  }

  private value(
    route: string,
    entry: EntryWindow,
    path: string,
    values: { primary: unknown; shadow: unknown },
    capturedAt: number | undefined,
  ): void {
    const d = entry.delta;
    const cls: ValueClass = classifyChange(values.primary, values.shadow, lastSegment(path));
    d.classes[cls] = (d.classes[cls] ?? 0) + 1;
    (entry.sketch ??= new KmvSketch()).add(hash32(JSON.stringify(values.primary) ?? 'undefined'));
    const n = numericValue(values.primary);
    if (n === undefined) return;
    // Counter evidence compares each primary value with the one COUNTER_LAG observations back,
    // not the previous one, and in capture order: a step "rises" when the value moved the same way
    // as the capture time. Pairs complete out of request order (concurrent requests, a fleet
    // reading partitions in batches), which would make a counter look random pair to pair.
    // Equal capture times (same millisecond, or none given) keep the observation order.
    const key = `${route}${SEP}${d.kind}${SEP}${path}`;
    let ring = this.recent.get(key);
    if (ring === undefined) {
      if (this.recent.size >= this.maxRoutes * this.maxEntries) this.recent.clear();
      this.recent.set(key, (ring = []));
    }
    const t = capturedAt ?? 0;
    if (ring.length === 2 * COUNTER_LAG) {
      const oldT = ring.shift() as number;
      const oldN = ring.shift() as number;
      d.steps++;
      if (n !== oldN && n > oldN === t >= oldT) d.rises++;
    }
    ring.push(t, n);
  }

  private secondary(
    route: RouteWindow,
    shadow: readonly ObservedChange[],
    secondary: readonly { kind: DiffKind; path: string; op: DiffOp }[],
  ): void {
    const s = route.secondary;
    s.pairs++;
    const bump = (
      f: { kind: DiffKind; path: string; op: DiffOp },
      side: 'secondary' | 'shadow',
    ) => {
      if (!isNoiseKind(f.kind)) return;
      const key = `${f.kind}${SEP}${f.op}${SEP}${f.path}`;
      let counts = s.index.get(key);
      if (counts === undefined) {
        if (s.index.size >= this.maxEntries) {
          this.dropped++;
          return;
        }
        counts = { kind: f.kind, op: f.op, path: f.path, secondary: 0, shadow: 0 };
        s.index.set(key, counts);
      }
      counts[side]++;
    };
    for (const f of secondary) bump(f, 'secondary');
    for (const f of shadow) bump(f, 'shadow');
  }

  /** The window so far as a delta (undefined when nothing was observed); starts a new window. */
  drain(): NoiseDelta | undefined {
    if (this.routes.size === 0) return undefined;
    const routes: RouteNoiseDelta[] = [];
    for (const [name, r] of this.routes) {
      const entries: NoiseEntryDelta[] = [];
      for (const e of r.entries.values()) {
        if (e.sketch !== undefined) e.delta.hashes = e.sketch.hashes();
        entries.push(e.delta);
      }
      const out: RouteNoiseDelta = { route: name, pairs: r.pairs, entries };
      if (r.secondary.pairs > 0) {
        out.secondary = { pairs: r.secondary.pairs, paths: [...r.secondary.index.values()] };
      }
      routes.push(out);
    }
    this.routes = new Map();
    this.dropped = 0;
    return { service: this.service, routes };
  }
}
