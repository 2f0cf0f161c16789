export type { OutboundMessage, RecordPublisher } from './ports/record-publisher.js';
export type { SourceMessage, RecordSource } from './ports/record-source.js';
export type {
  HalfSet,
  HalfOffer,
  OfferResult,
  ExpireResult,
  PairOffer,
  PairOfferResult,
  PendingStore,
} from './ports/pending-store.js';
export type { OrphanScheduler } from './ports/orphan-scheduler.js';
export type { Clock } from './ports/clock.js';
export {
  SAMPLE_LATENCY_BOUNDS_MS,
  STATS_MINUTE_MS,
  STATS_HOUR_MS,
  DIFF_SET_MAX_PATHS,
  DIFF_SETS_PER_BUCKET,
  DIFF_SETS_PER_READ,
} from './ports/sample-store.js';
export type {
  DiffSetCount,
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
  DIFF_SET_SEPARATOR,
  diffSetKey,
} from './ports/sample-store-stats.js';
export {
  PAIRED_RATIO_BUCKETS,
  PAIRED_DELTA_BUCKETS,
  LATENCY_DRIFT_DEFAULTS,
  pairedRatioBucket,
  pairedDeltaBucket,
  pairedRatioEdges,
  pairedDeltaEdges,
  emptyPairedLatency,
  medianRanks,
  latencyDrift,
} from './ports/paired-latency.js';
export type { PairedLatency, LatencyDrift, LatencyDriftOptions } from './ports/paired-latency.js';
export { compileRules } from './route/compile-rules.js';
export type {
  CompiledRules,
  CompiledRouteRule,
  HeaderRule,
  ToleranceRule,
} from './route/compile-rules.js';
export {
  templateRoute,
  matchRoute,
  templateSegment,
  pathSegments,
  MAX_ROUTE_SEGMENTS,
  MAX_LITERAL_SEGMENT,
} from './route/template-route.js';
export type { RouteMatch } from './route/template-route.js';
export type { RoutePattern } from '@shadowdiff/contracts';
export { decodeBody, MAX_CODINGS, MAX_DECODED_BYTES } from './normalize/decode-body.js';
export type { DecodedBody } from './normalize/decode-body.js';
export {
  normalizeBody,
  decodeText,
  hashBytes,
  jsonDeeperThan,
  MAX_JSON_CHARS,
  MAX_JSON_DEPTH,
} from './normalize/normalize-body.js';
export type { NormalizedBody, NormalizeRule } from './normalize/normalize-body.js';
export { normalizeJson, isKeyedContainer } from './normalize/normalize-json.js';
export type { ArrayRule, ArrayMode } from './normalize/normalize-json.js';
export { parseMediaType } from './normalize/media-type.js';
export type { MediaType } from './normalize/media-type.js';
export { ANY, compilePointer, splitPointer } from './normalize/json-pointer.js';
export type { PointerPattern } from './normalize/json-pointer.js';
export { VOLATILE_HEADERS } from './normalize/volatile-headers.js';
export {
  valueKind,
  isIdLike,
  isUuid,
  isUlid,
  isHexToken,
  isRandomToken,
  isTimeLikeKey,
  parseTimestampString,
  parseEpoch,
} from './normalize/value-kind.js';
export type { ValueKind, TimestampFormat, ParsedTimestamp } from './normalize/value-kind.js';
export { diffBodies } from './diff/body-diff.js';
export { diffJson, jsonType } from './diff/json-diff.js';
export type { JsonType } from './diff/json-diff.js';
export { DiffCollector, MAX_ENTRIES } from './diff/collector.js';
export type { DiffResult } from './diff/collector.js';
export type { DiffScope } from './diff/scalar-noise.js';
export { summarizeTextDiff } from './diff/text-diff.js';
export type { TextDiffSummary } from './diff/text-diff.js';
export { PREVIEW_CHARS } from './diff/preview.js';
export { judge } from './judge/judge.js';
export type { JudgeInput, JudgeContext } from './judge/judge.js';
export type { NoiseFilter } from './judge/noise-filter.js';
export { diffResponses, JSON_LIMIT_PATH, TRUNCATED_PATH } from './judge/compare-responses.js';
export { SelfCheck, isValueOp } from './judge/self-check.js';
export { VALUE_CLASSES, noiseDecisionRecord } from './ports/noise-store.js';
export type {
  NoiseDiffKind,
  NoiseAspect,
  NoiseDecision,
  NoiseState,
  ValueClass,
  NoiseKey,
  NoiseMark,
  NoiseEntryDelta,
  SecondaryDelta,
  RouteNoiseDelta,
  NoiseDelta,
  NoiseEntryStats,
  SecondaryStats,
  RouteNoiseStats,
  NoiseDecisionRecord,
  NoiseSnapshot,
  NoiseStore,
} from './ports/noise-store.js';
export { NOISE_SKETCH_SIZE, KmvSketch, hash32, estimateDistinct } from './noise/sketch.js';
export { classifyChange, JITTER_REL } from './noise/value-class.js';
export {
  assess,
  evidenceOf,
  secondaryCancels,
  selfCheckNoisy,
  SELF_CHECK_MIN_SHARE,
  SELF_CHECK_MIN_REORDER_SHARE,
  VOLATILE_KINDS,
  SET_MIN_CHANGE_RATE,
  SET_MIN_PERMUTATION_SHARE,
  SET_MAX_SORTED_SHARE,
} from './noise/learner.js';
export type {
  NoiseValueKind,
  NoiseStatus,
  NoiseEvidence,
  NoiseAssessment,
  SecondaryCounts,
} from './noise/learner.js';
export { NoiseAccumulator } from './noise/accumulator.js';
export type {
  NoiseAccumulatorOptions,
  ObservedChange,
  ObservedOrder,
  PairObservation,
} from './noise/accumulator.js';
export { compareArrays, arrayPointers } from './noise/array-order.js';
export type { ArrayComparison, ArrayRelation } from './noise/array-order.js';
export { NoiseView, ORDER_EVIDENCE_LIMIT } from './noise/noise-view.js';
export type { NoiseListing, NoiseViewOptions } from './noise/noise-view.js';
export { allPendingNoise, isPendingNoise } from './noise/pending.js';
export { observePair } from './noise/observe-pair.js';
export type { TakenFinding, ObservePairInput, ObservePairOptions } from './noise/observe-pair.js';
export { NoiseLearner } from './noise/noise-learner.js';
export type { NoiseLearnerOptions } from './noise/noise-learner.js';
export { noiseId } from './noise/noise-id.js';
export { exportRules } from './noise/export-rules.js';
export type { ExportRulesOptions } from './noise/export-rules.js';
export { NoiseCatalog } from './noise/noise-catalog.js';
export type { NoiseCatalogOptions, NoiseRef, NoiseLookup } from './noise/noise-catalog.js';
export { NoiseStatsTable } from './noise/stats-table.js';
export type { NoiseTableMark } from './noise/stats-table.js';
export { classify, classifyBatch } from './align/classify.js';
export type {
  Classified,
  ClassifiedBatch,
  ClassifiedCensus,
  ClassifiedHalf,
  ClassifyContext,
} from './align/classify.js';
export { knownKey, planBatch } from './align/plan.js';
export type { BatchPlan, PlannedClaim, PlannedOffer } from './align/plan.js';
export { resolveBatch } from './align/resolve.js';
export type { BatchDecisions, JudgeDecision } from './align/resolve.js';
export { pairRecords } from './align/pair-records.js';
export type { PairRecords } from './align/pair-records.js';
