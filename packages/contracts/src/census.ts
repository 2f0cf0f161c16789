import { decodeTapRecord, encodeTapRecord } from './codec/tap-record-codec.js';
import type { Decoded } from './codec/result.js';
import { TAP_RECORD_VERSION } from './tap-record.js';
import type { TapRecord } from './tap-record.js';

/**
 * A census record: a primary tap's count of requests it served on one route without mirroring them
 * (method not mirrored, path excluded, sampled out, ...). It rides `shadowdiff.taps` as a TapRecord
 * so no new topic or schema version is needed, and is told apart by `meta.mirror = "skipped"`:
 * workers count it per route for coverage ("seen by the primary, never mirrored") and never pair
 * it. It carries no bodies and no headers; `error` only satisfies the v1 schema (a record needs a
 * response or an error) and says what the record is. Decoded, it is its own record kind
 * ({@link CensusRecord}, see {@link decodeTapsMessage}): the TapRecord form is only its wire format,
 * kept so that v1 readers and writers on either side of an upgrade keep working.
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
  /**
   * The route the tap templated `path` to (`meta.route`, since the align stages): the worker uses
   * it as is, so a census is templated once on its way. Absent from older taps' censuses: the
   * worker templates `path` then.
   */
  route?: string;
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
      ...(input.route === undefined ? {} : { route: input.route }),
    },
  };
}

/** The census a record carries, or undefined for an ordinary half. */
export function readCensus(record: TapRecord): CensusEntry | undefined {
  const meta = record.meta;
  if (meta?.mirror !== CENSUS_MIRROR_SKIPPED) return undefined;
  const count = Number(meta.skipped);
  const entry: CensusEntry = {
    method: record.request.method,
    path: record.request.url,
    reason: meta.skipReason ?? 'other',
    count: Number.isSafeInteger(count) && count > 0 ? count : 1,
  };
  if (meta.route !== undefined) entry.route = meta.route;
  return entry;
}

/** A census as a record kind of its own: what a census TapRecord on the wire decodes to. */
export interface CensusRecord extends CensusEntry {
  kind: 'census';
  traceId: string;
  service: string;
  tapId: string;
  /** Epoch ms the census was taken. */
  at: number;
}

/** What a `shadowdiff.taps` message holds: one half of a pair, or a tap's census. */
export type TapsMessage =
  { kind: 'half'; record: TapRecord } | { kind: 'census'; census: CensusRecord };

/** The census record of a decoded TapRecord, or undefined for an ordinary half. */
export function censusOf(record: TapRecord): CensusRecord | undefined {
  const entry = readCensus(record);
  if (entry === undefined) return undefined;
  return {
    kind: 'census',
    traceId: record.traceId,
    service: record.service,
    tapId: record.tapId,
    at: record.capturedAt,
    ...entry,
  };
}

/** Decodes one `shadowdiff.taps` message: a half, a census, or the decode error (never a throw). */
export function decodeTapsMessage(value: Uint8Array | null | undefined): Decoded<TapsMessage> {
  const decoded = decodeTapRecord(value);
  if (!decoded.ok) return decoded;
  const census = censusOf(decoded.value);
  return {
    ok: true,
    value:
      census === undefined ? { kind: 'half', record: decoded.value } : { kind: 'census', census },
  };
}

/** The wire bytes of a census (the v1 TapRecord form, see {@link censusRecord}). */
export function encodeCensusRecord(input: CensusRecordInput): Uint8Array {
  return encodeTapRecord(censusRecord(input));
}
