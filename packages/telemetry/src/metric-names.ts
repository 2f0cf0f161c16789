/** Value of the `env` attribute on every point: shadow traffic never mixes with production series. */
export const SHADOW_ENV = 'shadow';

/** The route attribute of points that have no route (undecodable records). */
export const UNKNOWN_ROUTE = 'unknown';

/**
 * Metric names: a public contract (dashboards, alerts, Argo analysis read them). Change only on
 * purpose, with a version bump and a note in README.md.
 */
export const METRIC_NAMES = {
  pairs: 'shadow.pairs',
  diffs: 'shadow.diffs',
  suppressed: 'shadow.suppressed',
  latency: 'shadow.latency',
  responses: 'shadow.responses',
  pipelineLag: 'shadow.pipeline.lag',
  late: 'shadow.late',
  dlq: 'shadow.dlq',
} as const;
