import { TAP_RECORD_VERSION } from '@shadowdiff/contracts';
import type { Role, TapRecord } from '@shadowdiff/contracts';
import { parseHttpRequest, parseHttpResponse } from '../http/parse-http-message.js';
import type { ParsedRequest } from '../http/parse-http-message.js';
import { GOREPLAY_TYPES } from './protocol.js';
import type { GoReplayMessage } from './protocol.js';

export interface GoReplayAdapterOptions {
  /** `service` of every record (the config's `service`). */
  service: string;
  /** `tapId` of every record. Default `goreplay`. */
  tapId?: string;
  /** Body bytes kept per side; larger bodies are cut and flagged. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Requests (or early responses) remembered while their partner messages are due. Beyond it the
   * oldest is forgotten, so a stream of requests whose responses never come cannot grow memory.
   * Default 10000.
   */
  maxPending?: number;
  /**
   * How long, in GoReplay message time, a request waits for its responses. Message timestamps
   * drive it, not a wall clock, so a replayed file behaves like live traffic. Default 60000 ms.
   */
  pendingTtlMs?: number;
  /** Last step before a record leaves: redaction of secrets. Default: none. */
  redact?: (record: TapRecord) => TapRecord;
}

/** Counters of what the adapter did; the command prints them on exit. */
export interface GoReplayStats {
  messages: number;
  requests: number;
  records: Record<'primary' | 'shadow', number>;
  /** Lines that were not a protocol message, or whose HTTP bytes did not parse. */
  invalid: number;
  /** A second message of a type already seen for that id. */
  duplicates: number;
  /** Responses dropped because their request never came (or did not parse) in time. */
  unmatchedResponses: number;
}

interface Pending {
  request?: ParsedRequest & { timestampMs: number };
  badRequest?: boolean;
  responses: GoReplayMessage[];
  published: Set<Role>;
  seenAtMs: number;
}

const ROLE_OF = {
  [GOREPLAY_TYPES.originalResponse]: 'primary',
  [GOREPLAY_TYPES.replayedResponse]: 'shadow',
} as const;

/**
 * Turns GoReplay middleware messages into TapRecords: the original response (type 2) becomes the
 * `primary` half and the replayed one (type 3) the `shadow` half, both with `traceId` = GoReplay's
 * request id, so the worker pairs them like any tap's. Messages may come in any order (GoReplay
 * says so): a response seen before its request waits for it. Pure: no I/O, no clock.
 */
export class GoReplayAdapter {
  readonly stats: GoReplayStats = {
    messages: 0,
    requests: 0,
    records: { primary: 0, shadow: 0 },
    invalid: 0,
    duplicates: 0,
    unmatchedResponses: 0,
  };
  private readonly pending = new Map<string, Pending>();
  private readonly tapId: string;
  private readonly maxBodyBytes: number;
  private readonly maxPending: number;
  private readonly ttlMs: number;
  private newestMs = 0;

  constructor(private readonly options: GoReplayAdapterOptions) {
    this.tapId = options.tapId ?? 'goreplay';
    this.maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
    this.maxPending = options.maxPending ?? 10_000;
    this.ttlMs = options.pendingTtlMs ?? 60_000;
  }

  /** Requests and responses waiting for their partners. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Counts a line that did not decode (the caller still echoes it). */
  invalidLine(): void {
    this.stats.messages++;
    this.stats.invalid++;
  }

  /** Handles one decoded message; returns the records it completed (zero, one or two). */
  handle(message: GoReplayMessage): { records: TapRecord[]; problems: string[] } {
    this.stats.messages++;
    this.newestMs = Math.max(this.newestMs, message.timestampMs);
    const out = { records: [] as TapRecord[], problems: [] as string[] };
    let entry = this.pending.get(message.id);
    if (entry) this.pending.delete(message.id); // re-inserted below: Map order = recency
    entry ??= { responses: [], published: new Set(), seenAtMs: message.timestampMs };
    entry.seenAtMs = Math.max(entry.seenAtMs, message.timestampMs);

    if (message.type === GOREPLAY_TYPES.request) {
      if (entry.request || entry.badRequest) {
        this.stats.duplicates++;
      } else {
        this.stats.requests++;
        const parsed = parseHttpRequest(message.http, { maxBodyBytes: this.maxBodyBytes });
        if (parsed.ok) {
          entry.request = { ...parsed.value, timestampMs: message.timestampMs };
        } else {
          entry.badRequest = true;
          this.stats.invalid++;
          out.problems.push(`request ${message.id}: ${parsed.reason}`);
        }
        const waiting = entry.responses;
        entry.responses = [];
        for (const response of waiting) this.respond(entry, response, out);
      }
    } else {
      const role = ROLE_OF[message.type];
      if (entry.published.has(role) || entry.responses.some((r) => r.type === message.type)) {
        this.stats.duplicates++;
      } else if (entry.request || entry.badRequest) {
        this.respond(entry, message, out);
      } else {
        entry.responses.push(message);
      }
    }

    if (!(entry.published.has('primary') && entry.published.has('shadow'))) {
      this.pending.set(message.id, entry);
    }
    this.evict();
    return out;
  }

  private respond(
    entry: Pending,
    message: GoReplayMessage,
    out: { records: TapRecord[]; problems: string[] },
  ): void {
    const role = ROLE_OF[message.type as 2 | 3];
    const request = entry.request;
    if (!request) {
      this.stats.unmatchedResponses++;
      return;
    }
    const parsed = parseHttpResponse(message.http, request.method, {
      maxBodyBytes: this.maxBodyBytes,
    });
    if (!parsed.ok) {
      this.stats.invalid++;
      out.problems.push(`${role} response ${message.id}: ${parsed.reason}`);
      return;
    }
    const durationMs = message.latencyMs ?? Math.max(0, message.timestampMs - request.timestampMs);
    const record: TapRecord = {
      v: TAP_RECORD_VERSION,
      traceId: message.id,
      role,
      service: this.options.service,
      tapId: this.tapId,
      // The replayed request left GoReplay `latency` before its response came back.
      capturedAt:
        message.latencyMs !== undefined
          ? Math.max(0, message.timestampMs - message.latencyMs)
          : request.timestampMs,
      durationMs,
      request: {
        method: request.method,
        url: request.url,
        headers: { ...request.headers },
        body: request.body,
        bodySize: request.bodySize,
        bodyTruncated: request.bodyTruncated,
        ...(request.contentEncoding !== undefined
          ? { contentEncoding: request.contentEncoding }
          : {}),
      },
      response: parsed.value,
      meta: { source: 'goreplay', 'goreplay.type': String(message.type) },
    };
    entry.published.add(role);
    this.stats.records[role]++;
    out.records.push(this.options.redact ? this.options.redact(record) : record);
  }

  private evict(): void {
    for (const [id, entry] of this.pending) {
      const expired = this.newestMs - entry.seenAtMs > this.ttlMs;
      if (!expired && this.pending.size <= this.maxPending) break;
      this.pending.delete(id);
      this.stats.unmatchedResponses += entry.responses.length;
    }
  }
}
