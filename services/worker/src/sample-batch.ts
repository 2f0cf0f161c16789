import { statusClass } from '@shadowdiff/contracts';
import type { DiffKind, Severity, Verdict } from '@shadowdiff/contracts';
import {
  DIFF_SET_MAX_PATHS,
  STATS_MINUTE_MS,
  diffSetKey,
  latencyBucket,
  pairedDeltaBucket,
  pairedRatioBucket,
} from '@shadowdiff/engine';
import type {
  DiffSetCount,
  ExampleWrite,
  HalfSet,
  RouteStatsDelta,
  SampleKind,
  SampleWrite,
} from '@shadowdiff/engine';
import type { LabelLimiter } from '@shadowdiff/telemetry';

/** A tap's census: requests on a route it served without mirroring, by skip reason. */
export interface UnmirroredCount {
  service: string;
  /** Templated route. */
  route: string;
  reason: string;
  count: number;
}

interface DeltaAcc {
  delta: RouteStatsDelta;
  diffs: Map<string, { kind: DiffKind; path: string; severity: Severity; count: number }>;
  suppressed: Map<string, NonNullable<RouteStatsDelta['suppressed']>[number]>;
  diffSets: Map<string, DiffSetCount>;
}

/**
 * Folds one batch's verdicts into per-route, per-minute increments and the newest examples per
 * route x path, so the sample store gets one write per batch instead of one per verdict. Routes and
 * paths go through the same limiter as metrics: the console and the dashboards agree on `other`.
 */
export class SampleBatch {
  private readonly deltas = new Map<string, DeltaAcc>();
  private readonly examples = new Map<string, ExampleWrite[]>();

  constructor(
    private readonly limiter: LabelLimiter,
    private readonly examplesPerPath: number,
  ) {}

  get empty(): boolean {
    return this.deltas.size === 0 && this.examples.size === 0;
  }

  private acc(service: string, route: string, at: number): DeltaAcc {
    const minute = Math.floor(at / STATS_MINUTE_MS) * STATS_MINUTE_MS;
    const key = `${minute} ${service} ${route}`;
    let acc = this.deltas.get(key);
    if (!acc) {
      acc = {
        delta: {
          service,
          route,
          minute,
          outcomes: {},
          late: 0,
          diffs: [],
          latency: {},
          responses: {},
        },
        diffs: new Map(),
        suppressed: new Map(),
        diffSets: new Map(),
      };
      this.deltas.set(key, acc);
    }
    return acc;
  }

  addVerdict(verdict: Verdict, halves: HalfSet): void {
    const route = this.limiter.route(verdict.route);
    const acc = this.acc(verdict.service, route, verdict.decidedAt);
    const { delta, diffs, suppressed } = acc;
    delta.outcomes[verdict.outcome] = (delta.outcomes[verdict.outcome] ?? 0) + 1;
    for (const role of verdict.roles) {
      const ms = verdict.latencyMs[role];
      if (ms !== undefined) {
        const hist = (delta.latency[role] ??= {});
        const b = latencyBucket(ms);
        hist[b] = (hist[b] ?? 0) + 1;
      }
      const classes = (delta.responses[role] ??= {});
      const c = statusClass(verdict.status[role]);
      classes[c] = (classes[c] ?? 0) + 1;
    }
    const p = verdict.latencyMs.primary;
    const s = verdict.latencyMs.shadow;
    if (p !== undefined && s !== undefined) {
      const paired = (delta.paired ??= { ratio: {}, delta: {} });
      const r = pairedRatioBucket(s, p);
      const d = pairedDeltaBucket(s - p);
      paired.ratio[r] = (paired.ratio[r] ?? 0) + 1;
      paired.delta[d] = (paired.delta[d] ?? 0) + 1;
    }
    if (verdict.outcome === 'diff') this.addDiffSet(acc, verdict, route);
    const examplePaths = new Set<string>();
    for (const d of verdict.diffs) {
      const path = this.limiter.path(route, d.kind, d.path);
      const key = `${d.kind} ${d.severity} ${path}`;
      const entry = diffs.get(key);
      if (entry) entry.count++;
      else diffs.set(key, { kind: d.kind, path, severity: d.severity, count: 1 });
      const exampleKey = `${d.kind} ${path}`;
      if (!examplePaths.has(exampleKey)) {
        examplePaths.add(exampleKey);
        this.addExample(verdict, route, d.kind, path, halves);
      }
    }
    // What noise took out, and which role an orphan lacked: the console shows both beside the diffs.
    for (const sup of verdict.suppressed) {
      const path = this.limiter.path(route, sup.kind, sup.path);
      const key = `${sup.kind} ${sup.reason} ${path}`;
      const entry = suppressed.get(key);
      if (entry) entry.count++;
      else suppressed.set(key, { kind: sup.kind, path, reason: sup.reason, count: 1 });
    }
    for (const role of verdict.missingRoles ?? []) {
      const missing = (delta.missing ??= {});
      missing[role] = (missing[role] ?? 0) + 1;
    }
    if (verdict.outcome === 'orphan' || verdict.outcome === 'error') {
      this.addExample(verdict, route, 'outcome', verdict.outcome, halves);
    }
  }

  /**
   * A diff pair whose findings are all ones learned noise could take out (minor value changes and
   * reorders of bodies and headers) is counted by its set of paths, so the console can recount it
   * as a match once those paths are noise. Any other finding keeps the pair a diff: not kept.
   */
  private addDiffSet(acc: DeltaAcc, verdict: Verdict, route: string): void {
    const paths = new Set<string>();
    for (const d of verdict.diffs) {
      if (d.kind === 'status' || d.severity !== 'minor') return;
      if (d.op !== 'replace' && d.op !== 'reorder') return;
      paths.add(`${d.kind} ${this.limiter.path(route, d.kind, d.path)}`);
    }
    if (paths.size === 0) return;
    if (paths.size > DIFF_SET_MAX_PATHS) {
      acc.delta.diffSetsDropped = (acc.delta.diffSetsDropped ?? 0) + 1;
      return;
    }
    const sorted = [...paths].sort();
    const key = diffSetKey(sorted);
    const entry = acc.diffSets.get(key);
    if (entry) entry.count++;
    else acc.diffSets.set(key, { paths: sorted, count: 1 });
  }

  addLate(service: string, route: string, at: number): void {
    this.acc(service, this.limiter.route(route), at).delta.late++;
  }

  addUnmirrored(u: UnmirroredCount, at: number): void {
    const { delta } = this.acc(u.service, this.limiter.route(u.route), at);
    const into = (delta.unmirrored ??= {});
    into[u.reason] = (into[u.reason] ?? 0) + u.count;
  }

  private addExample(
    verdict: Verdict,
    route: string,
    kind: SampleKind,
    path: string,
    halves: HalfSet,
  ): void {
    const key = `${verdict.service} ${route} ${kind} ${path}`;
    let list = this.examples.get(key);
    if (!list) this.examples.set(key, (list = []));
    list.push({ service: verdict.service, route, kind, path, example: { verdict, halves } });
    // Only the newest N per key survive in the store anyway: don't ship the rest.
    if (list.length > this.examplesPerPath) list.shift();
  }

  build(): SampleWrite {
    const stats: RouteStatsDelta[] = [];
    for (const { delta, diffs, suppressed, diffSets } of this.deltas.values()) {
      delta.diffs = [...diffs.values()];
      if (suppressed.size > 0) delta.suppressed = [...suppressed.values()];
      if (diffSets.size > 0) delta.diffSets = [...diffSets.values()];
      stats.push(delta);
    }
    return { stats, examples: [...this.examples.values()].flat() };
  }
}
