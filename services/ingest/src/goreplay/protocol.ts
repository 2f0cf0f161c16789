/**
 * GoReplay's middleware protocol (docs/Middleware.md in buger/goreplay): one message per line on
 * stdin, hex-encoded; decoded, a header line `type id timestamp [latency]` then the raw HTTP/1.x
 * bytes. Types: 1 request, 2 original response (`--input-raw-track-response`), 3 replayed response
 * (`--output-http-track-response`). The id is shared by a request and its responses; timestamp and
 * latency are nanoseconds. The middleware must write every message back to stdout.
 */
export const GOREPLAY_TYPES = { request: 1, originalResponse: 2, replayedResponse: 3 } as const;
export type GoReplayType = (typeof GOREPLAY_TYPES)[keyof typeof GOREPLAY_TYPES];

export interface GoReplayMessage {
  type: GoReplayType;
  /** Request id, the same for a request and both its responses. */
  id: string;
  /** When the request was sent / the response received, epoch ms (from ns). */
  timestampMs: number;
  /** Responses: time from request to response, ms (from ns). Absent for requests or when unset. */
  latencyMs?: number;
  /** Raw HTTP/1.x message bytes. */
  http: Uint8Array;
}

export type GoReplayDecode = { ok: true; value: GoReplayMessage } | { ok: false; reason: string };

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const LF = 0x0a;

function nsToMs(field: string): number {
  // Nanosecond epochs exceed 2^53; BigInt keeps the integer part exact before scaling.
  const ns = BigInt(field);
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

/** Decodes one stdin line (without its newline). Bad lines give a reason; callers still echo them. */
export function decodeGoReplayLine(line: string): GoReplayDecode {
  const hex = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (hex.length === 0) return { ok: false, reason: 'empty line' };
  if (!HEX.test(hex)) return { ok: false, reason: 'line is not hex-encoded' };
  return decodeGoReplayPayload(Buffer.from(hex, 'hex'));
}

/**
 * Decodes one payload once unframed: the header line `type id timestamp [latency]`, then the raw
 * HTTP bytes. Shared by the middleware protocol (hex lines) and capture files (`--output-file`).
 */
export function decodeGoReplayPayload(payload: Buffer): GoReplayDecode {
  const headerEnd = payload.indexOf(LF);
  if (headerEnd < 0) return { ok: false, reason: 'no header line before the HTTP payload' };
  const fields = payload.subarray(0, headerEnd).toString('latin1').trim().split(/ +/);
  const [type, id, timestamp, latency] = fields;
  if (type !== '1' && type !== '2' && type !== '3') {
    return { ok: false, reason: `unknown payload type "${String(type).slice(0, 10)}"` };
  }
  if (!id) return { ok: false, reason: 'header has no request id' };
  if (timestamp === undefined || !/^\d+$/.test(timestamp)) {
    return { ok: false, reason: `bad timestamp "${String(timestamp).slice(0, 24)}"` };
  }
  if (latency !== undefined && !/^-?\d+$/.test(latency)) {
    return { ok: false, reason: `bad latency "${latency.slice(0, 24)}"` };
  }
  const message: GoReplayMessage = {
    type: Number(type) as GoReplayType,
    id,
    timestampMs: nsToMs(timestamp),
    http: payload.subarray(headerEnd + 1),
  };
  // Requests carry 0 (or -1 in some versions) here: only a response's latency means anything.
  if (type !== '1' && latency !== undefined && !latency.startsWith('-')) {
    message.latencyMs = nsToMs(latency);
  }
  return { ok: true, value: message };
}

/** Encodes a message the way GoReplay writes it (tests, and tools that feed the middleware). */
export function encodeGoReplayLine(
  type: GoReplayType,
  id: string,
  timestampNs: bigint,
  latencyNs: bigint | undefined,
  http: Uint8Array,
): string {
  const header = [type, id, timestampNs, ...(latencyNs === undefined ? [] : [latencyNs])].join(' ');
  return Buffer.concat([Buffer.from(`${header}\n`, 'latin1'), http]).toString('hex');
}
