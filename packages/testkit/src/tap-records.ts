import { encodeTapRecord } from '@shadowdiff/contracts';
import type { Role, TapRecord } from '@shadowdiff/contracts';

export interface TapRecordFixtureOptions {
  status?: number;
  /** Default `/orders/<decimal of the trace id's first 8 hex digits>`. */
  url?: string;
  service?: string;
  tapId?: string;
  capturedAt?: number;
  durationMs?: number;
}

/**
 * A GET TapRecord whose response body is `body`: bytes as given, anything else as its JSON. For
 * tests and benchmarks of the worker and the Kafka path.
 */
export function jsonTapRecord(
  traceId: string,
  role: Role,
  body: unknown,
  options: TapRecordFixtureOptions = {},
): TapRecord & Required<Pick<TapRecord, 'response'>> {
  const bytes = body instanceof Uint8Array ? body : Buffer.from(JSON.stringify(body));
  return {
    v: 1,
    traceId,
    role,
    service: options.service ?? 'orders',
    tapId: options.tapId ?? `tap-${role}`,
    capturedAt: options.capturedAt ?? Date.now(),
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

/** {@link jsonTapRecord}, encoded as the taps topic carries it. */
export function encodedJsonTapRecord(...args: Parameters<typeof jsonTapRecord>): Buffer {
  return encodeTapRecord(jsonTapRecord(...args));
}
