export { goreplayCommand } from './goreplay/goreplay-command.js';
export { importHarCommand } from './har/import-har-command.js';
export { GoReplayAdapter } from './goreplay/goreplay-adapter.js';
export type { GoReplayAdapterOptions, GoReplayStats } from './goreplay/goreplay-adapter.js';
export { runGoReplayMiddleware } from './goreplay/run-middleware.js';
export type { MiddlewareStreams } from './goreplay/run-middleware.js';
export {
  decodeGoReplayLine,
  decodeGoReplayPayload,
  encodeGoReplayLine,
  GOREPLAY_TYPES,
} from './goreplay/protocol.js';
export { readGoReplayFile, GOREPLAY_FILE_SEPARATOR } from './goreplay/capture-file.js';
export type { GoReplayFileBlock } from './goreplay/capture-file.js';
export type { GoReplayMessage, GoReplayType, GoReplayDecode } from './goreplay/protocol.js';
export { parseHar, parseHarEntries, HarFormatError } from './har/har-format.js';
export type { HarEntry, MalformedHarEntry } from './har/har-format.js';
export { harEntryToRecord } from './har/har-record.js';
export type { HarRecordContext } from './har/har-record.js';
export { pairEntries } from './har/pair-entries.js';
export type { EntryPair, Pairing, PairedBy } from './har/pair-entries.js';
export { planHarImport } from './har/plan-har-import.js';
export type { HarInput, HarImportOptions, HarImportSummary } from './har/plan-har-import.js';
export { publishRecords } from './har/publish-records.js';
export type { PublishRecordsOptions } from './har/publish-records.js';
export { parseHttpRequest, parseHttpResponse } from './http/parse-http-message.js';
export type {
  ParsedRequest,
  ParsedResponse,
  ParsedBody,
  HttpParse,
  HttpParseOptions,
} from './http/parse-http-message.js';
export { PublishQueue } from './publish/publish-queue.js';
export type { PublishQueueOptions, PublishQueueStats } from './publish/publish-queue.js';
export { toOutbound } from './publish/to-outbound.js';
export { redactRecord } from './redact-record.js';
export { ingestRedaction } from './kafka-wiring.js';
export { createProgressBar, renderProgress } from './progress-bar.js';
export type { ProgressBar, ProgressStream } from './progress-bar.js';
export { MirrorReassembler } from './vpc/mirror-reassembler.js';
export type { MirrorReassemblerOptions } from './vpc/mirror-reassembler.js';
export type { Exchange, FlowId, Endpoint, UnpairedReason } from './vpc/tcp/http-flow.js';
export type { IncompleteReason, DeadReason } from './vpc/http/http-stream.js';
export {
  emptyVpcStats,
  SKIP_REASONS as VPC_SKIP_REASONS,
  FLOW_END_REASONS,
  NOT_HTTP_REASONS,
  EXCHANGE_KINDS,
  UNPAIRED_REASONS,
} from './vpc/vpc-stats.js';
export type { VpcStats, VpcSkipReason, FlowEndReason, ExchangeKind } from './vpc/vpc-stats.js';
export { decodeDatagram, formatAddress, TCP_FLAGS } from './vpc/packet/decode-datagram.js';
export type { TcpSegment, DatagramDecode } from './vpc/packet/decode-datagram.js';
export { buildDatagram, parseAddress } from './vpc/packet/build-datagram.js';
export type { SegmentSpec } from './vpc/packet/build-datagram.js';
export { parseCidr, cidrContains } from './vpc/packet/cidr.js';
export type { Cidr } from './vpc/packet/cidr.js';
export { startVpcIngest } from './vpc/start-vpc-ingest.js';
export type {
  StartVpcIngestOptions,
  VpcIngestHandle,
  VpcIngestStats,
} from './vpc/start-vpc-ingest.js';
export { recordExchange } from './vpc/record-exchange.js';
export type { RecordCounters } from './vpc/record-exchange.js';
export { fileRecordTee } from './vpc/file-publisher.js';
export { observeVpcStats } from './vpc/vpc-metrics.js';
