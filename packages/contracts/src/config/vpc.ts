import { z } from 'zod';
import { listenSchema, urlSchema } from './common.js';

const CIDR = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(\/\d{1,3})?$/;

/**
 * `shadowdiff vpc-ingest`: AWS VPC Traffic Mirroring as a source. The mirror session copies the
 * primary's packets (VXLAN, UDP 4789) to this process, which reassembles HTTP/1.x exchanges,
 * records them as `primary` and replays each mirrored request to `shadow` under `tap.mirror`
 * (policy, redaction, buffer and body caps are the tap's keys). TLS traffic cannot be read: mirror
 * the ENI behind the TLS terminator.
 */
export const vpcConfigSchema = z
  .object({
    /** UDP address the mirror target (an NLB or this host's ENI) delivers to. Default 0.0.0.0:4789 (VXLAN). */
    listen: listenSchema.default('0.0.0.0:4789'),
    /** Health (`/healthz`), readiness (`/readyz`) and counters (`/stats`). Default 127.0.0.1:8082. */
    adminListen: listenSchema.default('127.0.0.1:8082'),
    /** The service under test: each mirrored request is replayed to it. Required (or `--shadow`). */
    shadow: urlSchema.optional(),
    /** VXLAN network identifiers accepted (the mirror sessions' `VirtualNetworkId`). Empty = any. */
    vnis: z.array(z.number().int().min(0).max(16_777_215)).default([]),
    /**
     * The primary's port(s): a segment to one of them is a request, one from it a response; other
     * flows are skipped. Empty = every flow, the SYN's sender taken as the client.
     */
    serverPorts: z.array(z.number().int().min(1).max(65_535)).default([]),
    /** The primary's addresses (CIDRs or single addresses), with `serverPorts`. Empty = any. */
    serverCidrs: z.array(z.string().regex(CIDR, 'expected a CIDR such as 10.0.1.0/24')).default([]),
    /** Bytes one TCP flow may hold (out-of-order segments, bodies being read). Default 4 MiB. */
    maxFlowBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1_048_576),
    /** Bytes all flows may hold; the least recently active flows are evicted past it. Default 256 MiB. */
    maxTotalBytes: z
      .number()
      .int()
      .positive()
      .default(256 * 1_048_576),
    /** TCP flows tracked at once. Default 65536. */
    maxFlows: z.number().int().positive().default(65_536),
    /** A flow with no packet for this long is closed (unanswered requests counted). Default 60000 ms. */
    idleTimeoutMs: z.number().int().positive().default(60_000),
    /** How long a missing segment is waited for before its bytes count as lost. Default 2000 ms. */
    holeWaitMs: z.number().int().positive().default(2_000),
    /** Kernel receive buffer asked for the UDP socket (bursts outrun the event loop). Default 8 MiB. */
    receiveBufferBytes: z
      .number()
      .int()
      .positive()
      .default(8 * 1_048_576),
  })
  .strict();

export type VpcConfig = z.infer<typeof vpcConfigSchema>;
