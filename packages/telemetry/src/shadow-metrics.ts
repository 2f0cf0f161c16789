import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { NO_ROUTE, statusClass } from '@shadowdiff/contracts';
import type { Outcome, Role, Verdict } from '@shadowdiff/contracts';
import { LAG_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS, msToSeconds } from './buckets.js';
import { LabelLimiter } from './label-limiter.js';
import type { LabelLimiterOptions } from './label-limiter.js';
import { METRIC_NAMES, SHADOW_ENV } from './metric-names.js';
import { Tally } from './tally.js';
import type { TallyCell } from './tally.js';

export type ShadowMetricsOptions = LabelLimiterOptions;

/**
 * The worker's instruments (see README.md for the contract). Every point carries
 * `env="shadow"`, `service` and a bounded `route`; diff paths are bounded per route. Takes a
 * Meter from `@opentelemetry/api` so the library never starts an SDK itself.
 */
/** A route's series, found once per verdict: its cells and histogram attributes, reused. */
interface RouteSeries {
  readonly base: Attributes;
  readonly pairs: Map<Outcome, TallyCell>;
  noisePending: TallyCell | undefined;
  /** role -> status code (undefined: no response) -> the cell of its status class. */
  readonly responses: Map<Role, Map<number | undefined, TallyCell>>;
  /** `kind severity path` -> cell (path as limited). */
  readonly diffs: Map<string, TallyCell>;
  /** `kind reason path` -> cell (path as limited). */
  readonly suppressed: Map<string, TallyCell>;
  /** Latency histogram attributes per role. */
  readonly roles: Map<Role, Attributes>;
}

export class ShadowMetrics {
  readonly limiter: LabelLimiter;
  private readonly pairs: Tally;
  private readonly noisePending: Tally;
  private readonly diffs: Tally;
  private readonly suppressed: Tally;
  private readonly latency: Histogram;
  private readonly responses: Tally;
  private readonly lag: Histogram;
  private readonly late: Counter;
  private readonly dlq: Counter;
  /** service -> limited route -> its series (bounded by the limiter's caps). */
  private readonly series = new Map<string, Map<string, RouteSeries>>();

  constructor(meter: Meter, options: ShadowMetricsOptions = {}) {
    this.limiter = new LabelLimiter(options);
    this.pairs = new Tally(meter, METRIC_NAMES.pairs, {
      description: 'Traces judged, by outcome (match, diff, orphan, error)',
      unit: '{pair}',
    });
    this.noisePending = new Tally(meter, METRIC_NAMES.pairsNoisePending, {
      description:
        'Diff pairs whose only findings are noise candidates the learner is still deciding (also in shadow.pairs outcome=diff)',
      unit: '{pair}',
    });
    this.diffs = new Tally(meter, METRIC_NAMES.diffs, {
      description: 'Differences found, by kind, path (bounded per route) and severity',
      unit: '{diff}',
    });
    this.suppressed = new Tally(meter, METRIC_NAMES.suppressed, {
      description:
        'Differences ignored, by kind, path and reason (rule, volatile, learned, secondary)',
      unit: '{diff}',
    });
    this.latency = meter.createHistogram(METRIC_NAMES.latency, {
      description: 'Upstream response time as each tap saw it, by role, in seconds',
      unit: 's',
      advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_SECONDS] },
    });
    this.responses = new Tally(meter, METRIC_NAMES.responses, {
      description: 'Upstream responses by role and status class (2xx..5xx, error = no response)',
      unit: '{response}',
    });
    this.lag = meter.createHistogram(METRIC_NAMES.pipelineLag, {
      description: "Time from the later half's publish to its verdict, in seconds",
      unit: 's',
      advice: { explicitBucketBoundaries: [...LAG_BUCKETS_SECONDS] },
    });
    this.late = meter.createCounter(METRIC_NAMES.late, {
      description: 'Halves that arrived after their trace was decided (never a second verdict)',
      unit: '{half}',
    });
    this.dlq = meter.createCounter(METRIC_NAMES.dlq, {
      description: 'Undecodable records sent to the dead-letter topic, by error code',
      unit: '{record}',
    });
  }

  private base(service: string, route: string): Attributes {
    return { env: SHADOW_ENV, service, route: this.limiter.route(route) };
  }

  private routeSeries(service: string, route: string): RouteSeries {
    const limited = this.limiter.route(route);
    let byRoute = this.series.get(service);
    if (!byRoute) this.series.set(service, (byRoute = new Map()));
    let series = byRoute.get(limited);
    if (!series) {
      series = {
        base: { env: SHADOW_ENV, service, route: limited },
        pairs: new Map(),
        noisePending: undefined,
        responses: new Map(),
        diffs: new Map(),
        suppressed: new Map(),
        roles: new Map(),
      };
      byRoute.set(limited, series);
    }
    return series;
  }

  /**
   * Counts one verdict: `shadow.pairs` (and `shadow.pairs.noise_pending` for a `diff` verdict
   * marked `noisePending`), one `shadow.diffs` / `shadow.suppressed` point per entry,
   * `shadow.latency.seconds` and `shadow.responses` per present role, and
   * `shadow.pipeline.lag.seconds` when `lagMs` is given (undefined for orphans, whose lag is the
   * window by construction). Verdicts carry milliseconds; the histograms record seconds.
   */
  recordVerdict(verdict: Verdict, lagMs?: number): void {
    this.recordVerdicts([{ verdict, lagMs }]);
  }

  /**
   * Same as {@link recordVerdict} for a whole batch. Counters are {@link Tally} cells found through
   * the route's series (no attribute hashing per verdict); histograms record each value with the
   * route's reused attribute objects (the API takes one value at a time).
   */
  recordVerdicts(items: readonly { verdict: Verdict; lagMs?: number | undefined }[]): void {
    for (const { verdict, lagMs } of items) {
      const series = this.routeSeries(verdict.service, verdict.route);
      const { base } = series;
      const route = base.route as string;
      let pairs = series.pairs.get(verdict.outcome);
      if (!pairs) {
        pairs = this.pairs.cell({ ...base, outcome: verdict.outcome });
        series.pairs.set(verdict.outcome, pairs);
      }
      pairs.n++;
      if (verdict.noisePending === true && verdict.outcome === 'diff') {
        (series.noisePending ??= this.noisePending.cell(base)).n++;
      }
      for (const d of verdict.diffs) {
        const path = this.limiter.path(route, d.kind, d.path);
        const key = `${d.kind}\u0000${d.severity}\u0000${path}`;
        let cell = series.diffs.get(key);
        if (!cell) {
          cell = this.diffs.cell({ ...base, kind: d.kind, path, severity: d.severity });
          series.diffs.set(key, cell);
        }
        cell.n++;
      }
      for (const x of verdict.suppressed) {
        const path = this.limiter.path(route, x.kind, x.path);
        const key = `${x.kind}\u0000${x.reason}\u0000${path}`;
        let cell = series.suppressed.get(key);
        if (!cell) {
          cell = this.suppressed.cell({ ...base, kind: x.kind, path, reason: x.reason });
          series.suppressed.set(key, cell);
        }
        cell.n++;
      }
      for (const role of verdict.roles) {
        const ms = verdict.latencyMs[role];
        if (ms !== undefined)
          this.latency.record(msToSeconds(ms), this.roleAttributes(series, role));
        this.responseCell(series, role, verdict.status[role]).n++;
      }
      if (lagMs !== undefined) this.lag.record(msToSeconds(Math.max(0, lagMs)), base);
    }
  }

  private roleAttributes(series: RouteSeries, role: Role): Attributes {
    let attributes = series.roles.get(role);
    if (!attributes) series.roles.set(role, (attributes = { ...series.base, role }));
    return attributes;
  }

  /** The status class's cell, cached per status code (a code's class never changes). */
  private responseCell(series: RouteSeries, role: Role, status: number | undefined): TallyCell {
    let byStatus = series.responses.get(role);
    if (!byStatus) series.responses.set(role, (byStatus = new Map()));
    let cell = byStatus.get(status);
    if (!cell) {
      const cls = statusClass(status);
      for (const [other, c] of byStatus) if (statusClass(other) === cls) cell = c;
      cell ??= this.responses.cell({ ...series.base, role, status_class: cls });
      byStatus.set(status, cell);
    }
    return cell;
  }

  /** A half that arrived after its trace was decided (paired or orphaned). */
  recordLate(service: string, route: string, role: Role): void {
    this.late.add(1, { ...this.base(service, route), role });
  }

  /** An undecodable record; service is the worker's configured one, route `unknown`. */
  recordDlq(service: string, code: string): void {
    this.dlq.add(1, { env: SHADOW_ENV, service, route: NO_ROUTE, code });
  }
}
