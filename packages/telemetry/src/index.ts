export { ShadowMetrics } from './shadow-metrics.js';
export type { ShadowMetricsOptions } from './shadow-metrics.js';
export { LabelLimiter, OTHER } from './label-limiter.js';
export type { LabelLimiterOptions } from './label-limiter.js';
export { METRIC_NAMES, METRICS_VERSION, SHADOW_ENV } from './metric-names.js';
export { LATENCY_BUCKETS_SECONDS, LAG_BUCKETS_SECONDS, msToSeconds } from './buckets.js';
