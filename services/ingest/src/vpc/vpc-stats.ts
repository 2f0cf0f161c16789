import { DATAGRAM_SKIP_REASONS } from './packet/decode-datagram.js';
import type { DatagramSkipReason } from './packet/decode-datagram.js';

/** Datagrams dropped before reassembly: undecodable, or outside the filters. */
export const SKIP_REASONS = [...DATAGRAM_SKIP_REASONS, 'vni-filtered', 'flow-filtered'] as const;
export type VpcSkipReason = DatagramSkipReason | 'vni-filtered' | 'flow-filtered';

/** Why a flow ended (and its buffers were freed). */
export const FLOW_END_REASONS = [
  'fin',
  'rst',
  'idle',
  'reused',
  'flow-cap',
  'total-cap',
  'max-flows',
] as const;
export type FlowEndReason = (typeof FLOW_END_REASONS)[number];

/** Why (a direction of) a flow was not read as HTTP: never judged. */
export const NOT_HTTP_REASONS = ['tls', 'not-http', 'upgraded', 'lost', 'malformed'] as const;

/** Exchanges published, by completeness: `complete`, or which bytes were missing. */
export const EXCHANGE_KINDS = ['complete', 'truncated', 'lost', 'ended'] as const;
export type ExchangeKind = (typeof EXCHANGE_KINDS)[number];

/** Messages that never became an exchange. */
export const UNPAIRED_REASONS = ['no-response', 'response-without-request'] as const;

export interface VpcStats {
  datagrams: number;
  segments: number;
  skipped: Record<VpcSkipReason, number>;
  flowsOpened: number;
  flowsEnded: Record<FlowEndReason, number>;
  /** Flows (counted once each) whose traffic was not HTTP/1.x, by reason. */
  notHttp: Record<(typeof NOT_HTTP_REASONS)[number], number>;
  /** Flows whose SYN was never seen (the capture began mid-connection). */
  midstreamFlows: number;
  retransmitted: number;
  outOfOrder: number;
  lostBytes: number;
  truncatedBytes: number;
  exchanges: Record<ExchangeKind, number>;
  unpaired: Record<(typeof UNPAIRED_REASONS)[number], number>;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function emptyVpcStats(): VpcStats {
  return {
    datagrams: 0,
    segments: 0,
    skipped: zeros(SKIP_REASONS),
    flowsOpened: 0,
    flowsEnded: zeros(FLOW_END_REASONS),
    notHttp: zeros(NOT_HTTP_REASONS),
    midstreamFlows: 0,
    retransmitted: 0,
    outOfOrder: 0,
    lostBytes: 0,
    truncatedBytes: 0,
    exchanges: zeros(EXCHANGE_KINDS),
    unpaired: zeros(UNPAIRED_REASONS),
  };
}
