import type { Role } from '@shadowdiff/contracts';
import {
  DIFF_SETS_PER_BUCKET,
  RouteStatsBuilder,
  diffSetKey,
  STATS_HOUR_MS,
  STATS_MINUTE_MS,
  bucketStarts,
  statsBucketMs,
} from '@shadowdiff/engine';
import type {
  Clock,
  DiffSetCount,
  ExamplePair,
  ExamplesQuery,
  RouteStats,
  RouteStatsDelta,
  RouteSummary,
  SampleStore,
  SampleWrite,
  StatsQuery,
} from '@shadowdiff/engine';
import { systemClock } from './system-clock.js';

export interface MemorySampleStoreOptions {
  /** Example pairs kept per route x kind x path. Default 5 (`worker.examplesPerPath`). */
  examplesPerKey?: number;
  /** How long minute buckets are kept. Default 6 h (memory is the single-process demo default). */
  minuteRetentionMs?: number;
  /** How long hour buckets are kept. Default 7 days. */
  hourRetentionMs?: number;
  /** Time source for retention. Default `Date.now`. */
  clock?: Clock;
}

type Bucket = Omit<RouteStatsDelta, 'service' | 'route' | 'minute'>;

const emptyBucket = (): Bucket => ({
  outcomes: {},
  late: 0,
  diffs: [],
  latency: {},
  responses: {},
});

/** Each bucket's diff sets by key, beside the bucket (which stays plain data for the builder). */
const setIndex = new WeakMap<Bucket, Map<string, DiffSetCount>>();

/** Adds `from`'s counts into `into` (sparse count maps: histogram buckets, classes, reasons). */
function addCounts<K extends string | number>(
  into: Partial<Record<K, number>>,
  from: Partial<Record<K, number>>,
): void {
  // for…in rather than Object.entries: this runs for every route of every batch.
  for (const k in from) into[k] = (into[k] ?? 0) + from[k]!;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Adds a delta into a stored bucket (diffs merged by kind+path+severity). */
function addInto(bucket: Bucket, delta: RouteStatsDelta): void {
  addCounts(bucket.outcomes, delta.outcomes);
  bucket.late += delta.late;
  for (const d of delta.diffs) {
    const found = bucket.diffs.find(
      (x) => x.kind === d.kind && x.path === d.path && x.severity === d.severity,
    );
    if (found) found.count += d.count;
    else bucket.diffs.push({ ...d });
  }
  for (const role in delta.latency) {
    const r = role as keyof Bucket['latency'];
    addCounts((bucket.latency[r] ??= {}), delta.latency[r]!);
  }
  for (const role in delta.responses) {
    const r = role as keyof Bucket['responses'];
    addCounts((bucket.responses[r] ??= {}), delta.responses[r]!);
  }
  if (delta.suppressed && delta.suppressed.length > 0) {
    const list = (bucket.suppressed ??= []);
    for (const d of delta.suppressed) {
      const found = list.find(
        (x) => x.kind === d.kind && x.path === d.path && x.reason === d.reason,
      );
      if (found) found.count += d.count;
      else list.push({ ...d });
    }
  }
  // Created only when there is something to count, as a bucket restored from JSON would be.
  if (delta.missing && hasKeys(delta.missing)) addCounts((bucket.missing ??= {}), delta.missing);
  if (delta.unmirrored && hasKeys(delta.unmirrored)) {
    addCounts((bucket.unmirrored ??= {}), delta.unmirrored);
  }
  if (delta.diffSetsDropped) {
    bucket.diffSetsDropped = (bucket.diffSetsDropped ?? 0) + delta.diffSetsDropped;
  }
  if (delta.diffSets && delta.diffSets.length > 0) addDiffSets(bucket, delta.diffSets);
  if (delta.paired) {
    const into = (bucket.paired ??= { ratio: {}, delta: {} });
    addCounts(into.ratio, delta.paired.ratio);
    addCounts(into.delta, delta.paired.delta);
  }
}

function addDiffSets(bucket: Bucket, sets: readonly DiffSetCount[]): void {
  const list = (bucket.diffSets ??= []);
  let index = setIndex.get(bucket);
  // A bucket restored from `importState` comes without its index: rebuilt from the list.
  if (!index) {
    index = new Map(list.map((e) => [diffSetKey(e.paths), e]));
    setIndex.set(bucket, index);
  }
  for (const set of sets) {
    // The same cap per bucket as the Redis store: a set seen first past it is only counted.
    const key = diffSetKey(set.paths);
    const found = index.get(key);
    if (found) found.count += set.count;
    else if (list.length < DIFF_SETS_PER_BUCKET) {
      const entry = { paths: [...set.paths], count: set.count };
      list.push(entry);
      index.set(key, entry);
    } else bucket.diffSetsDropped = (bucket.diffSetsDropped ?? 0) + set.count;
  }
}

/** Everything a {@link MemorySampleStore} holds, as plain JSON (what `run --state` writes). */
export interface MemorySampleState {
  /** Per route: its summary and its buckets as [width, start, bucket]. */
  routes: { summary: RouteSummary; buckets: [number, number, Bucket][] }[];
  /** Example lists, newest first, halves base64. */
  examples: {
    key: string;
    list: { verdict: ExamplePair['verdict']; halves: Partial<Record<Role, string>> }[];
  }[];
}

const routeKey = (service: string, route: string) => JSON.stringify([service, route]);

/**
 * The embedded {@link SampleStore}: the same minute/hour buckets and newest-N example lists as the
 * Redis store, in Maps, pruned by age on write.
 */
export class MemorySampleStore implements SampleStore {
  readonly #examplesPerKey: number;
  readonly #minuteRetentionMs: number;
  readonly #hourRetentionMs: number;
  readonly #clock: Clock;
  /** routeKey -> width -> bucket start -> bucket */
  readonly #buckets = new Map<string, Map<number, Map<number, Bucket>>>();
  readonly #routes = new Map<string, RouteSummary>();
  readonly #examples = new Map<string, ExamplePair[]>();

  constructor(options: MemorySampleStoreOptions = {}) {
    this.#examplesPerKey = options.examplesPerKey ?? 5;
    this.#minuteRetentionMs = options.minuteRetentionMs ?? 6 * STATS_HOUR_MS;
    this.#hourRetentionMs = options.hourRetentionMs ?? 7 * 24 * STATS_HOUR_MS;
    this.#clock = options.clock ?? systemClock;
  }

  record(write: SampleWrite): Promise<void> {
    const now = this.#clock.now();
    for (const delta of write.stats) {
      const key = routeKey(delta.service, delta.route);
      let widths = this.#buckets.get(key);
      if (!widths) this.#buckets.set(key, (widths = new Map()));
      for (const [width, retention] of [
        [STATS_MINUTE_MS, this.#minuteRetentionMs],
        [STATS_HOUR_MS, this.#hourRetentionMs],
      ] as const) {
        let byStart = widths.get(width);
        if (!byStart) widths.set(width, (byStart = new Map()));
        const start = Math.floor(delta.minute / width) * width;
        let bucket = byStart.get(start);
        if (!bucket) byStart.set(start, (bucket = emptyBucket()));
        addInto(bucket, delta);
        for (const at of byStart.keys()) if (at + width + retention < now) byStart.delete(at);
      }
      const seen = this.#routes.get(key);
      if (!seen || seen.lastSeen < now) {
        this.#routes.set(key, { service: delta.service, route: delta.route, lastSeen: now });
      }
    }
    for (const e of write.examples) {
      const key = JSON.stringify([e.service, e.route, e.kind, e.path]);
      let list = this.#examples.get(key);
      if (!list) this.#examples.set(key, (list = []));
      list.unshift(e.example);
      if (list.length > this.#examplesPerKey) list.length = this.#examplesPerKey;
    }
    return Promise.resolve();
  }

  routes(options: { since?: number } = {}): Promise<RouteSummary[]> {
    const since = options.since ?? 0;
    return Promise.resolve(
      [...this.#routes.values()]
        .filter((r) => r.lastSeen >= since)
        .sort((a, b) => b.lastSeen - a.lastSeen)
        .map((r) => ({ ...r })),
    );
  }

  stats(query: StatsQuery): Promise<RouteStats> {
    const width = statsBucketMs(query);
    const builder = new RouteStatsBuilder(query, width);
    const byStart = this.#buckets.get(routeKey(query.service, query.route))?.get(width);
    if (byStart) {
      for (const at of bucketStarts(query.from, query.to, width)) {
        const bucket = byStart.get(at);
        if (bucket) builder.add(at, bucket);
      }
    }
    return Promise.resolve(builder.build());
  }

  async statsMany(queries: StatsQuery[]): Promise<RouteStats[]> {
    const out: RouteStats[] = [];
    for (const q of queries) out.push({ ...(await this.stats(q)), series: [] });
    return out;
  }

  examples(query: ExamplesQuery): Promise<ExamplePair[]> {
    const key = JSON.stringify([query.service, query.route, query.kind, query.path]);
    const list = this.#examples.get(key) ?? [];
    return Promise.resolve(list.slice(0, query.limit ?? list.length));
  }

  /** What the store holds: route buckets, route summaries and examples. */
  exportState(): MemorySampleState {
    const routes: MemorySampleState['routes'] = [];
    for (const [key, summary] of this.#routes) {
      const buckets: [number, number, Bucket][] = [];
      for (const [width, byStart] of this.#buckets.get(key) ?? []) {
        for (const [start, bucket] of byStart) buckets.push([width, start, bucket]);
      }
      routes.push({ summary: { ...summary }, buckets });
    }
    const examples: MemorySampleState['examples'] = [];
    for (const [key, list] of this.#examples) {
      examples.push({
        key,
        list: list.map((e) => ({
          verdict: e.verdict,
          halves: Object.fromEntries(
            Object.entries(e.halves).map(([role, bytes]) => [
              role,
              Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
            ]),
          ),
        })),
      });
    }
    return { routes, examples };
  }

  /** Loads a saved state into an empty store (buckets past retention are pruned on next write). */
  importState(state: MemorySampleState): void {
    for (const { summary, buckets } of state.routes) {
      const key = routeKey(summary.service, summary.route);
      this.#routes.set(key, { ...summary });
      let widths = this.#buckets.get(key);
      if (!widths) this.#buckets.set(key, (widths = new Map()));
      for (const [width, start, bucket] of buckets) {
        let byStart = widths.get(width);
        if (!byStart) widths.set(width, (byStart = new Map()));
        byStart.set(start, bucket);
      }
    }
    for (const { key, list } of state.examples) {
      this.#examples.set(
        key,
        list.slice(0, this.#examplesPerKey).map((e) => ({
          verdict: e.verdict,
          halves: Object.fromEntries(
            Object.entries(e.halves).map(([role, b64]) => [
              role,
              new Uint8Array(Buffer.from(b64, 'base64')),
            ]),
          ),
        })),
      );
    }
  }
}
