import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { NO_ROUTE, statusClass } from '@shadowdiff/contracts';
import type { Role, Verdict } from '@shadowdiff/contracts';
import { LAG_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS, msToSeconds } from './buckets.js';
import { LabelLimiter } from './label-limiter.js';
import type { LabelLimiterOptions } from './label-limiter.js';
import { METRIC_NAMES, SHADOW_ENV } from './metric-names.js';

export type ShadowMetricsOptions = LabelLimiterOptions;

/**
 * The worker's instruments (see README.md for the contract). Every point carries
 * `env="shadow"`, `service` and a bounded `route`; diff paths are bounded per route. Takes a
 * Meter from `@opentelemetry/api` so the library never starts an SDK itself.
 */
export class ShadowMetrics {
  readonly limiter: LabelLimiter;
  private readonly pairs: Counter;
  private readonly noisePending: Counter;
  private readonly diffs: Counter;
  private readonly suppressed: Counter;
  private readonly latency: Histogram;
  private readonly responses: Counter;
  private readonly lag: Histogram;
  private readonly late: Counter;
  private readonly dlq: Counter;

  constructor(meter: Meter, options: ShadowMetricsOptions = {}) {
    this.limiter = new LabelLimiter(options);
    this.pairs = meter.createCounter(METRIC_NAMES.pairs, {
      description: 'Traces judged, by outcome (match, diff, orphan, error)',
      unit: '{pair}',
    });
    this.noisePending = meter.createCounter(METRIC_NAMES.pairsNoisePending, {
      description:
        'Diff pairs whose only findings are noise candidates the learner is still deciding (also in shadow.pairs outcome=diff)',
      unit: '{pair}',
    });
    this.diffs = meter.createCounter(METRIC_NAMES.diffs, {
      description: 'Differences found, by kind, path (bounded per route) and severity',
      unit: '{diff}',
    });
    this.suppressed = meter.createCounter(METRIC_NAMES.suppressed, {
      description:
        'Differences ignored, by kind, path and reason (rule, volatile, learned, secondary)',
      unit: '{diff}',
    });
    this.latency = meter.createHistogram(METRIC_NAMES.latency, {
      description: 'Upstream response time as each tap saw it, by role, in seconds',
      unit: 's',
      advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_SECONDS] },
    });
    this.responses = meter.createCounter(METRIC_NAMES.responses, {
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
   * Same as {@link recordVerdict} for a whole batch, with counter increments folded per attribute
   * set first: the SDK hashes the attributes of every `add`, so one add per distinct series per
   * batch instead of one per verdict is most of the metrics cost gone. Histograms still record
   * each value (the API takes one at a time).
   */
  recordVerdicts(items: readonly { verdict: Verdict; lagMs?: number | undefined }[]): void {
    const folded = new Map<string, { counter: Counter; attributes: Attributes; n: number }>();
    const bump = (counter: Counter, key: string, attributes: () => Attributes) => {
      const entry = folded.get(key);
      if (entry) entry.n++;
      else folded.set(key, { counter, attributes: attributes(), n: 1 });
    };
    for (const { verdict, lagMs } of items) {
      const base = this.base(verdict.service, verdict.route);
      const route = base.route as string;
      const k = `${verdict.service}\u0000${route}\u0000`;
      bump(this.pairs, `p${k}${verdict.outcome}`, () => ({ ...base, outcome: verdict.outcome }));
      if (verdict.noisePending === true && verdict.outcome === 'diff') {
        bump(this.noisePending, `n${k}`, () => base);
      }
      for (const d of verdict.diffs) {
        const path = this.limiter.path(route, d.kind, d.path);
        bump(this.diffs, `d${k}${d.kind}\u0000${d.severity}\u0000${path}`, () => ({
          ...base,
          kind: d.kind,
          path,
          severity: d.severity,
        }));
      }
      for (const x of verdict.suppressed) {
        const path = this.limiter.path(route, x.kind, x.path);
        bump(this.suppressed, `s${k}${x.kind}\u0000${x.reason}\u0000${path}`, () => ({
          ...base,
          kind: x.kind,
          path,
          reason: x.reason,
        }));
      }
      for (const role of verdict.roles) {
        const ms = verdict.latencyMs[role];
        if (ms !== undefined) this.latency.record(msToSeconds(ms), this.roleAttributes(base, role));
        const cls = statusClass(verdict.status[role]);
        bump(this.responses, `r${k}${role}\u0000${cls}`, () => ({
          ...base,
          role,
          status_class: cls,
        }));
      }
      if (lagMs !== undefined) this.lag.record(msToSeconds(Math.max(0, lagMs)), base);
    }
    for (const { counter, attributes, n } of folded.values()) counter.add(n, attributes);
  }

  /** Attribute objects per route and role, reused: histogram points are recorded one by one. */
  private readonly roleCache = new Map<string, Attributes>();

  private roleAttributes(base: Attributes, role: Role): Attributes {
    const key = `${String(base.service)}\u0000${String(base.route)}\u0000${role}`;
    let attributes = this.roleCache.get(key);
    if (!attributes) {
      attributes = { ...base, role };
      // Bounded like the routes themselves (services x routes x roles); cleared if it ever grows past.
      if (this.roleCache.size > 10_000) this.roleCache.clear();
      this.roleCache.set(key, attributes);
    }
    return attributes;
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
