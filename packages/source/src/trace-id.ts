import { randomFillSync } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { TapConfig } from '@shadowdiff/contracts';

/** Where a trace id came from: a configured header source, or made up by the tap. */
export type TraceSource = TapConfig['traceHeaders'][number] | 'generated';

export interface TraceId {
  /** Lower-case hex for traceparent/B3 (B3's 64-bit ids left-padded to 32); as sent for x-request-id. */
  traceId: string;
  source: TraceSource;
}

const HEX16_OR_32 = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const ZERO32 = '0'.repeat(32);
/** The TapRecord schema bounds traceId to 256 characters. */
const MAX_REQUEST_ID = 256;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-.*)?$/;
const ZERO16 = '0'.repeat(16);

/**
 * W3C trace context (`version-traceid-parentid-flags`, lower-case hex), read as the spec tells a
 * receiver to: version ff, an all-zero trace or parent id, or version 00 with anything after the
 * flags make the header invalid (ignored, like OpenTelemetry and Envoy ignore it); a later version
 * may append `-` and fields of its own.
 */
export function traceIdFromTraceparent(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (m === null) return undefined;
  const [, version, id, parent, rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  return id === ZERO32 || parent === ZERO16 ? undefined : id;
}

function padB3(id: string): string | undefined {
  const v = id.trim().toLowerCase();
  if (!HEX16_OR_32.test(v)) return undefined;
  const padded = v.length === 16 ? `0000000000000000${v}` : v;
  return padded === ZERO32 ? undefined : padded;
}

/** B3 multi-header (`x-b3-traceid`) or single-header (`b3: traceid-spanid[-sampled[-parent]]`). */
export function traceIdFromB3(headers: IncomingHttpHeaders): string | undefined {
  const multi = first(headers['x-b3-traceid']);
  if (multi !== undefined) return padB3(multi);
  const single = first(headers['b3']);
  if (single === undefined) return undefined;
  const dash = single.indexOf('-');
  // `b3: 0` (deny) and other one-field forms carry no trace id.
  return dash > 0 ? padB3(single.slice(0, dash)) : undefined;
}

export function traceIdFromRequestId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  return v.length > 0 && v.length <= MAX_REQUEST_ID ? v : undefined;
}

/**
 * The alignment key of a request: the first configured source that carries a valid id. Both taps of
 * a pair must use the same order, or they key the halves differently.
 */
export function extractTraceId(
  headers: IncomingHttpHeaders,
  order: readonly TapConfig['traceHeaders'][number][],
): TraceId | undefined {
  for (const source of order) {
    let id: string | undefined;
    switch (source) {
      case 'traceparent':
        id = traceIdFromTraceparent(first(headers.traceparent));
        break;
      case 'x-request-id':
        id = traceIdFromRequestId(first(headers['x-request-id']));
        break;
      case 'b3':
        id = traceIdFromB3(headers);
        break;
    }
    if (id !== undefined) return { traceId: id, source };
  }
  return undefined;
}

// Random ids come from a refilled pool: one getrandom call per 256 requests, not one each.
const POOL_BYTES = 24 * 256;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolAt = POOL_BYTES;

function randomHex(bytes: number): string {
  if (poolAt + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const hex = pool.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return hex;
}

/** A fresh W3C `traceparent` (sampled flag set) and its trace id. */
export function newTraceparent(): { traceparent: string; traceId: string } {
  let traceId = randomHex(16);
  while (traceId === ZERO32) traceId = randomHex(16);
  let spanId = randomHex(8);
  while (spanId === '0000000000000000') spanId = randomHex(8);
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId };
}
