export type { OutboundMessage, RecordPublisher } from './ports/record-publisher.js';
export type { SourceMessage, RecordSource } from './ports/record-source.js';
export type {
  HalfSet,
  HalfOffer,
  OfferResult,
  ExpireResult,
  PendingStore,
} from './ports/pending-store.js';
export type { OrphanScheduler } from './ports/orphan-scheduler.js';
export type { Clock } from './ports/clock.js';
export {
  SAMPLE_LATENCY_BOUNDS_MS,
  STATS_MINUTE_MS,
  STATS_HOUR_MS,
} from './ports/sample-store.js';
export type {
  SampleKind,
  RouteStatsDelta,
  ExamplePair,
  ExampleWrite,
  SampleWrite,
  RouteSummary,
  LatencySummary,
  PathStats,
  RouteStats,
  StatsQuery,
  ExamplesQuery,
  SampleStore,
} from './ports/sample-store.js';
export {
  latencyBucket,
  histogramQuantile,
  summarizeLatency,
  statsBucketMs,
  bucketStarts,
  RouteStatsBuilder,
} from './ports/sample-store-stats.js';
