import { z } from 'zod';
import { ROLES, UPSTREAM_ERROR_KINDS } from './roles.js';
import type { Role, UpstreamErrorKind } from './roles.js';

export const TAP_RECORD_VERSION = 1 as const;

/** Header names are lower-case; repeated headers are joined with ", " (set-cookie with "\n"). */
export type Headers = Record<string, string>;

export interface CapturedRequest {
  method: string;
  /** Path and query as received, e.g. `/orders/42?expand=items`. */
  url: string;
  headers: Headers;
  /** Raw bytes as they crossed the wire (possibly compressed, see `contentEncoding`), up to the cap. */
  body: Uint8Array;
  /** Size of the whole body; larger than `body.byteLength` when truncated. */
  bodySize: number;
  bodyTruncated: boolean;
  contentEncoding?: string;
}

export interface CapturedResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  bodySize: number;
  bodyTruncated: boolean;
  /** `gzip`, `br`, `deflate`, ... as sent by the upstream; the worker decodes. */
  contentEncoding?: string;
}

export interface UpstreamError {
  kind: UpstreamErrorKind;
  message: string;
}

/** One side of one request, as a tap saw it. v1 contract of `shadowdiff.taps`. */
export interface TapRecord {
  v: typeof TAP_RECORD_VERSION;
  traceId: string;
  role: Role;
  service: string;
  tapId: string;
  /** Epoch ms at which the tap received the request. */
  capturedAt: number;
  /** Time from request received to response complete (or failure), ms. */
  durationMs: number;
  request: CapturedRequest;
  /** Absent when the upstream gave no response; then `error` says why. */
  response?: CapturedResponse;
  error?: UpstreamError;
  /** Free-form facts from the tap (mode, tap version, config hash, mirror decision). */
  meta?: Record<string, string>;
}

const headers = z.record(z.string(), z.string());

/** Metadata half of the framed encoding: everything but the body bytes, which follow the header. */
export const tapRecordHeaderSchema = z
  .object({
    v: z.literal(TAP_RECORD_VERSION),
    traceId: z.string().min(1).max(256),
    role: z.enum(ROLES),
    service: z.string().min(1).max(256),
    tapId: z.string().min(1).max(256),
    capturedAt: z.number().finite().nonnegative(),
    durationMs: z.number().finite().nonnegative(),
    request: z
      .object({
        method: z.string().min(1).max(32),
        url: z.string().max(65_536),
        headers,
        bodyLength: z.number().int().nonnegative(),
        bodySize: z.number().int().nonnegative(),
        bodyTruncated: z.boolean(),
        contentEncoding: z.string().optional(),
      })
      .strict(),
    response: z
      .object({
        status: z.number().int().min(100).max(999),
        headers,
        bodyLength: z.number().int().nonnegative(),
        bodySize: z.number().int().nonnegative(),
        bodyTruncated: z.boolean(),
        contentEncoding: z.string().optional(),
      })
      .strict()
      .optional(),
    error: z
      .object({ kind: z.enum(UPSTREAM_ERROR_KINDS), message: z.string() })
      .strict()
      .optional(),
    meta: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((r) => r.response !== undefined || r.error !== undefined, {
    message: 'a record needs a response or an error',
    path: ['response'],
  });

export type TapRecordHeader = z.infer<typeof tapRecordHeaderSchema>;
