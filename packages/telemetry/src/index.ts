export { ShadowMetrics, statusClass } from './shadow-metrics.js';
export type { ShadowMetricsOptions } from './shadow-metrics.js';
export { LabelLimiter, OTHER } from './label-limiter.js';
export type { LabelLimiterOptions } from './label-limiter.js';
export { METRIC_NAMES, SHADOW_ENV, UNKNOWN_ROUTE } from './metric-names.js';
export { LATENCY_BUCKETS_MS, LAG_BUCKETS_MS } from './buckets.js';
