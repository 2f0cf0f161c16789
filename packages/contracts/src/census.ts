import { TAP_RECORD_VERSION } from './tap-record.js';
import type { TapRecord } from './tap-record.js';

/**
 * A census record: a primary tap's count of requests it served on one route without mirroring them
 * (method not mirrored, path excluded, sampled out, ...). It rides `shadowdiff.taps` as a TapRecord
 * so no new topic or schema version is needed, and is told apart by `meta.mirror = "skipped"`:
 * workers count it per route for coverage ("seen by the primary, never mirrored") and never pair
 * it. It carries no bodies and no headers; `error` only satisfies the v1 schema (a record needs a
 * response or an error) and says what the record is.
 */
export const CENSUS_MIRROR_SKIPPED = 'skipped';

export interface CensusEntry {
  method: string;
  /** Path of one request counted (query dropped): the worker templates it like any record. */
  path: string;
  /** Why the tap did not mirror (`method`, `route`, `sampled_out`, ...). */
  reason: string;
  /** Requests counted since the tap's previous census of this method, route and reason. */
  count: number;
}

export interface CensusRecordInput extends CensusEntry {
  traceId: string;
  service: string;
  tapId: string;
  /** Epoch ms the census was taken. */
  at: number;
  /** Tap mode, as other records of the tap say it. */
  mode: string;
}

export function censusRecord(input: CensusRecordInput): TapRecord {
  return {
    v: TAP_RECORD_VERSION,
    traceId: input.traceId,
    role: 'primary',
    service: input.service,
    tapId: input.tapId,
    capturedAt: input.at,
    durationMs: 0,
    request: {
      method: input.method,
      url: input.path,
      headers: {},
      body: new Uint8Array(0),
      bodySize: 0,
      bodyTruncated: false,
    },
    error: { kind: 'other', message: 'census of requests not mirrored' },
    meta: {
      mode: input.mode,
      mirror: CENSUS_MIRROR_SKIPPED,
      skipReason: input.reason,
      skipped: String(input.count),
    },
  };
}

/** The census a record carries, or undefined for an ordinary half. */
export function readCensus(record: TapRecord): CensusEntry | undefined {
  const meta = record.meta;
  if (meta?.mirror !== CENSUS_MIRROR_SKIPPED) return undefined;
  const count = Number(meta.skipped);
  return {
    method: record.request.method,
    path: record.request.url,
    reason: meta.skipReason ?? 'other',
    count: Number.isSafeInteger(count) && count > 0 ? count : 1,
  };
}
