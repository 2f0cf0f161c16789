/** Value of the `env` attribute on every point: shadow traffic never mixes with production series. */
export const SHADOW_ENV = 'shadow';

/**
 * Metric names: a public contract (dashboards, alerts, Argo analysis read them). Change only on
 * purpose, with a version bump and a note in packages/contracts/README.md.
 *
 * Metrics v2: a duration's unit is the last word of its name (`shadow.latency.seconds`, OTel unit
 * `s`), so the Prometheus name carries it (`shadow_latency_seconds_bucket`) both on this exporter's
 * scrape endpoint (which adds `_total` but no unit suffix) and through OTLP -> Prometheus
 * translation (which adds the unit suffix only when the name does not already end with it).
 */
/** Version of the metric names and units below (packages/contracts/README.md "Metrics v2"). */
export const METRICS_VERSION = 2;

export const METRIC_NAMES = {
  pairs: 'shadow.pairs',
  /** Additive (metrics v2): diff pairs whose every finding is noise still being decided. */
  pairsNoisePending: 'shadow.pairs.noise_pending',
  diffs: 'shadow.diffs',
  suppressed: 'shadow.suppressed',
  latency: 'shadow.latency.seconds',
  responses: 'shadow.responses',
  pipelineLag: 'shadow.pipeline.lag.seconds',
  late: 'shadow.late',
  dlq: 'shadow.dlq',
} as const;
