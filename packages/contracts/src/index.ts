export { ROLES, UPSTREAM_ERROR_KINDS } from './roles.js';
export type { Role, UpstreamErrorKind } from './roles.js';
export { TOPICS, DLQ_HEADERS } from './topics.js';
export type { TopicName } from './topics.js';
export { TAP_RECORD_VERSION, tapRecordHeaderSchema } from './tap-record.js';
export type {
  TapRecord,
  TapRecordHeader,
  CapturedRequest,
  CapturedResponse,
  UpstreamError,
  Headers,
} from './tap-record.js';
export {
  VERDICT_VERSION,
  OUTCOMES,
  DIFF_KINDS,
  SEVERITIES,
  DIFF_OPS,
  SUPPRESS_REASONS,
  verdictSchema,
} from './verdict.js';
export type {
  Verdict,
  Outcome,
  DiffKind,
  Severity,
  DiffOp,
  DiffEntry,
  SuppressedEntry,
  SuppressReason,
} from './verdict.js';
export { ERROR_CODES, ShadowdiffError, DecodeError, ConfigError, UsageError } from './errors.js';
export type { ErrorCode, ShadowdiffErrorOptions } from './errors.js';
export type { Decoded } from './codec/result.js';
export { TapRecordEncoder } from './codec/tap-record-writer.js';
export type { EncodedTapRecord } from './codec/tap-record-writer.js';
export { cutToFit } from './codec/fit-record.js';
export {
  encodeTapRecord,
  decodeTapRecord,
  FRAME_VERSION,
  FRAME_MAGIC_0,
  FRAME_MAGIC_1,
  MAX_HEADER_BYTES,
} from './codec/tap-record-codec.js';
export { encodeVerdict, decodeVerdict } from './codec/verdict-codec.js';
export {
  CONFIG_VERSION,
  configSchema,
  validateConfig,
  parseConfig,
  mergeConfig,
  formatConfigKey,
} from './config/config.js';
export {
  compileRoutePattern,
  tryCompileRoutePattern,
  isPatternProblem,
  splitPath,
} from './patterns/route-pattern.js';
export type { RoutePattern, PatternProblem } from './patterns/route-pattern.js';
export {
  ANY,
  compileJsonPointer,
  jsonPointerProblem,
  splitPointer,
  escapeSegment,
  unescapeSegment,
} from './patterns/json-pointer.js';
export type { PointerPattern, PointerOptions } from './patterns/json-pointer.js';
export type { ShadowdiffConfig, ShadowdiffConfigInput } from './config/config.js';
export {
  TRACE_SOURCES,
  tapConfigSchema,
  mirrorPolicySchema,
  selfCheckSchema,
} from './config/tap.js';
export type { TapConfig, MirrorPolicy, SelfCheckConfig } from './config/tap.js';
export { tapServerSchema } from './config/tap-server.js';
export type { TapServerConfig } from './config/tap-server.js';
export { kafkaConfigSchema } from './config/kafka.js';
export type { KafkaConfig } from './config/kafka.js';
export { redisConfigSchema } from './config/redis.js';
export type { RedisConfig } from './config/redis.js';
export type { TlsConfig, KafkaSaslConfig, RedisAuthConfig } from './config/connection.js';
export { rulesConfigSchema, routeRuleSchema } from './config/rules.js';
export type { RulesConfig, RouteRule } from './config/rules.js';
export { workerConfigSchema } from './config/worker.js';
export type { WorkerConfig } from './config/worker.js';
export { noiseConfigSchema } from './config/noise.js';
export type { NoiseConfig } from './config/noise.js';
export { telemetryConfigSchema } from './config/telemetry.js';
export type { TelemetryConfig } from './config/telemetry.js';
export { consoleConfigSchema } from './config/console.js';
export type { ConsoleConfig } from './config/console.js';
export { vpcConfigSchema } from './config/vpc.js';
export type { VpcConfig } from './config/vpc.js';
export type { Command, CommandOption, CommandIo, OptionValues } from './command.js';
export type { RulesConfigInput } from './config/rules.js';
export type { NoiseConfigInput } from './config/noise.js';
export {
  CENSUS_MIRROR_SKIPPED,
  censusOf,
  censusRecord,
  decodeTapsMessage,
  encodeCensusRecord,
  readCensus,
} from './census.js';
export type { CensusEntry, CensusRecord, CensusRecordInput, TapsMessage } from './census.js';
export { configHash, CONFIG_HASH_STAMP_CHARS } from './config/config-hash.js';
export { readPackageVersion } from './package-version.js';
export { META_ROLES, formatTraceRoles, readTraceRoles } from './trace-roles.js';
export { listenError } from './listen-error.js';
export { NO_ROUTE, statusClass } from './labels.js';
