export { createSource, defaultTapId, resolveRedactKey } from './source.js';
export type { CreateSourceOptions, Source } from './source.js';
export { TracedExchange, declaredBodyLength } from './traced-exchange.js';
export type { ExchangeRequest, PrimaryOutcome } from './traced-exchange.js';
export { compileMirrorPolicy, SKIP_REASONS } from './mirror-policy.js';
export type { MirrorDecision, RequestFacts, SkipReason } from './mirror-policy.js';
export { samplingBucket, isSampled, SAMPLING_BUCKETS } from './sampling.js';
export { normalizePath, pathOf } from './route-pattern.js';
export {
  extractTraceId,
  newTraceparent,
  traceIdFromB3,
  traceIdFromRequestId,
  traceIdFromTraceparent,
} from './trace-id.js';
export type { TraceId, TraceSource } from './trace-id.js';
export { recordHeaders, requestHeaders, responseHeaders } from './headers.js';
export { createRedactor, DEFAULT_REDACTED_HEADERS, REDACTED_PREFIX } from './redaction.js';
export type { BodyPart, BodyRedaction, Redactor, RedactorOptions } from './redaction.js';
export { parseJsonPointer, replaceAtPointer } from './json-pointer.js';
export { BodyCapture } from './body-capture.js';
export { Recorder } from './recorder.js';
export type { Captured, RecorderOptions, Side } from './recorder.js';
export { Pair } from './pair.js';
export { RecordBuffer } from './record-buffer.js';
export type { BufferStats, RecordBufferOptions } from './record-buffer.js';
export { RecordQueue, batchMessages } from './record-queue.js';
export type { QueuedBatch, RecordBytes } from './record-queue.js';
export { RecordLimit } from './record-fit.js';
export { RateLimitedCounterLog } from './rate-limited-log.js';
export { SkipCensus } from './skip-census.js';
export type { SkipCensusOptions } from './skip-census.js';
export { SelfCheckSender, SELF_CHECK_METHODS, SELF_CHECK_OUTCOMES } from './self-check.js';
export type { SelfCheckOutcome, SelfCheckTicket } from './self-check.js';
export { ShadowTarget, sendShadow } from './shadow.js';
export type { ShadowResult } from './shadow.js';
export { Deadline, Deadlines } from './deadlines.js';
export type { Destroyable } from './deadlines.js';
export { UpstreamTimeoutError, upstreamErrorKind } from './upstream-error.js';
export { AbortableExchange, createUpstream, headerStrings } from './upstream.js';
export type { ExchangeHandler, Upstream, UpstreamOptions } from './upstream.js';
export { createTapMetrics, DROP_REASONS, TAP_SHADOW_LATENCY } from './tap-metrics.js';
export type { DropReason, ShadowOutcome, TapMetrics } from './tap-metrics.js';
