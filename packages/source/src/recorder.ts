import { META_ROLES, TAP_RECORD_VERSION, TapRecordEncoder, cutToFit } from '@shadowdiff/contracts';
import type {
  CapturedRequest,
  CapturedResponse,
  Role,
  TapRecord,
  UpstreamError,
} from '@shadowdiff/contracts';
import type { BodyCapture } from './body-capture.js';
import { recordHeaders } from './headers.js';
import type { RecordBuffer } from './record-buffer.js';
import type { BodyPart, Redactor } from './redaction.js';

export interface RecorderOptions {
  service: string;
  tapId: string;
  mode: 'sidecar' | 'mirror';
  captureBodyBytes: number;
  redactor: Redactor;
  buffer: RecordBuffer;
  /**
   * The largest encoded record Kafka takes (`RecordLimit.bytes`); a larger one has its bodies cut
   * to fit rather than failing at produce. Default: no limit.
   */
  maxRecordBytes?: () => number;
  /** Facts stamped on every record's meta (tap version, config hash). Default none. */
  facts?: Record<string, string>;
}

/** A captured request or response, with what body redaction did to it (if anything). */
export interface Captured<T> {
  value: T;
  bodyRedaction?: 'redacted' | 'withheld';
}

/** One side of an exchange, ready to become a TapRecord. */
export interface Side {
  role: Role;
  traceId: string;
  traceSource: string;
  capturedAt: number;
  durationMs: number;
  request: Captured<CapturedRequest>;
  response?: Captured<CapturedResponse>;
  error?: UpstreamError;
  /** Mirror mode: the roles the trace was sent to (`meta.roles`, e.g. `primary,shadow,secondary`). */
  roles?: string;
  /** Facts about this one exchange, added to the record's meta. */
  meta?: Record<string, string>;
}

/**
 * Turns captured exchanges into redacted, encoded records and hands them to the buffer. Nothing
 * leaves this class unredacted: headers and bodies are redacted while the record is built.
 */
export class Recorder {
  private readonly metaBySource = new Map<string, Record<string, string>>();
  /** Writes each record straight into the buffer's queue: no frame-sized buffer per record. */
  private readonly encoder = new TapRecordEncoder();

  constructor(private readonly options: RecorderOptions) {}

  request(
    method: string,
    url: string,
    rawHeaders: readonly string[],
    body: BodyCapture | undefined,
  ): Captured<CapturedRequest> {
    const headers = recordHeaders(rawHeaders);
    this.options.redactor.headers(headers);
    const { part, bodyRedaction } = this.body(body, headers);
    return {
      value: { method, url, headers, ...part },
      ...(bodyRedaction ? { bodyRedaction } : {}),
    };
  }

  response(
    status: number,
    rawHeaders: readonly string[],
    body: BodyCapture,
  ): Captured<CapturedResponse> {
    const headers = recordHeaders(rawHeaders);
    this.options.redactor.headers(headers);
    const { part, bodyRedaction } = this.body(body, headers);
    return { value: { status, headers, ...part }, ...(bodyRedaction ? { bodyRedaction } : {}) };
  }

  /** Encodes and queues a record; false when the buffer dropped it (counted there). */
  publish(side: Side): boolean {
    const o = this.options;
    const record: TapRecord = {
      v: TAP_RECORD_VERSION,
      traceId: side.traceId,
      role: side.role,
      service: o.service,
      tapId: o.tapId,
      capturedAt: side.capturedAt,
      durationMs: side.durationMs,
      request: side.request.value,
      meta: this.meta(side),
    };
    if (side.response) record.response = side.response.value;
    if (side.error) record.error = side.error;
    const encoded = this.encoder.encode(record);
    const limit = o.maxRecordBytes?.();
    if (limit === undefined || encoded.byteLength <= limit) {
      return o.buffer.offer(side.traceId, encoded);
    }
    return o.buffer.offer(
      side.traceId,
      this.encoder.encode(cutToFit(record, encoded.byteLength, limit)),
    );
  }

  private body(
    capture: BodyCapture | undefined,
    headers: Record<string, string>,
  ): { part: BodyPart; bodyRedaction?: 'redacted' | 'withheld' } {
    const contentEncoding = headers['content-encoding'];
    if (capture === undefined || capture.size === 0) {
      return { part: withEncoding(EMPTY, 0, false, contentEncoding) };
    }
    const cap = this.options.captureBodyBytes;
    const bytes = capture.bytes();
    const part = withEncoding(
      bytes.byteLength > cap ? bytes.subarray(0, cap) : bytes,
      capture.size,
      capture.size > cap,
      contentEncoding,
    );
    const redactor = this.options.redactor;
    if (!redactor.hasBodyRules) return { part };
    const redacted = redactor.body(part, headers['content-type']);
    if (redacted.outcome === 'none') return { part };
    // A redacted compressed body is rewritten decoded, so it can outgrow the cap the captured bytes
    // kept to: the cap holds for what the record carries, whatever redaction did.
    const out = redacted.part;
    return {
      part:
        out.body.byteLength > cap
          ? { body: out.body.subarray(0, cap), bodySize: out.bodySize, bodyTruncated: true }
          : out,
      bodyRedaction: redacted.outcome,
    };
  }

  private meta(side: Side): Record<string, string> {
    const reqNote = side.request.bodyRedaction;
    const resNote = side.response?.bodyRedaction;
    const roles: Record<string, string> =
      side.roles === undefined ? {} : { [META_ROLES]: side.roles };
    if (reqNote === undefined && resNote === undefined && side.meta === undefined) {
      // Shared, never mutated: one object per trace source (and roles) instead of one per record.
      const key = side.roles === undefined ? side.traceSource : `${side.traceSource}/${side.roles}`;
      let meta = this.metaBySource.get(key);
      if (!meta) {
        meta = {
          mode: this.options.mode,
          traceSource: side.traceSource,
          ...this.options.facts,
          ...roles,
        };
        this.metaBySource.set(key, meta);
      }
      return meta;
    }
    return {
      mode: this.options.mode,
      traceSource: side.traceSource,
      ...this.options.facts,
      ...roles,
      ...(reqNote !== undefined ? { requestBodyRedaction: reqNote } : {}),
      ...(resNote !== undefined ? { responseBodyRedaction: resNote } : {}),
      ...side.meta,
    };
  }
}

const EMPTY = new Uint8Array(0);

function withEncoding(
  body: Uint8Array,
  bodySize: number,
  bodyTruncated: boolean,
  contentEncoding: string | undefined,
): BodyPart {
  return contentEncoding === undefined
    ? { body, bodySize, bodyTruncated }
    : { body, bodySize, bodyTruncated, contentEncoding };
}
