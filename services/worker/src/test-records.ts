import { encodeTapRecord } from '@shadowdiff/contracts';
import type { Role, TapRecord } from '@shadowdiff/contracts';

/** A TapRecord with a JSON body, for worker tests and the benchmark. */
export function tapRecord(
  traceId: string,
  role: Role,
  body: unknown,
  options: { status?: number; url?: string; service?: string; durationMs?: number } = {},
): TapRecord {
  const bytes = Buffer.from(JSON.stringify(body));
  return {
    v: 1,
    traceId,
    role,
    service: options.service ?? 'orders',
    tapId: `tap-${role}`,
    capturedAt: Date.now(),
    durationMs: options.durationMs ?? 12,
    request: {
      method: 'GET',
      // A decimal id: a hex slice can be all letters (`bfdeaaee`), which no heuristic calls an id.
      url: options.url ?? `/orders/${Number.parseInt(traceId.slice(0, 8), 16)}`,
      headers: { accept: 'application/json' },
      body: new Uint8Array(),
      bodySize: 0,
      bodyTruncated: false,
    },
    response: {
      status: options.status ?? 200,
      headers: { 'content-type': 'application/json' },
      body: bytes,
      bodySize: bytes.length,
      bodyTruncated: false,
    },
  };
}

export function encodedHalf(...args: Parameters<typeof tapRecord>): Buffer {
  return encodeTapRecord(tapRecord(...args));
}
