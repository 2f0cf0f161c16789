import { gzipSync } from 'node:zlib';
import { encodeTapRecord } from '@shadowdiff/contracts';
import type { Role, TapRecord, Verdict } from '@shadowdiff/contracts';
import type { ExamplePair } from '@shadowdiff/engine';
import { jsonTapRecord } from '@shadowdiff/testkit';

/** An encoded half with a JSON body (gzipped when asked), for console tests. */
export function half(
  traceId: string,
  role: Role,
  body: unknown,
  options: {
    gzip?: boolean;
    status?: number;
    headers?: Record<string, string>;
    truncated?: boolean;
    meta?: Record<string, string>;
  } = {},
): Uint8Array {
  const raw = Buffer.from(JSON.stringify(body));
  const bytes = options.gzip ? gzipSync(raw) : raw;
  const base = jsonTapRecord(traceId, role, bytes, {
    service: 'shop',
    url: '/orders/7',
    capturedAt: 1_700_000_000_000,
    durationMs: role === 'primary' ? 12 : 15,
    ...(options.status !== undefined ? { status: options.status } : {}),
  });
  const record: TapRecord = {
    ...base,
    response: {
      ...base.response,
      headers: {
        ...base.response.headers,
        ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
        ...(options.headers ?? {}),
      },
      bodySize: options.truncated ? bytes.length * 2 : bytes.length,
      bodyTruncated: options.truncated ?? false,
      ...(options.gzip ? { contentEncoding: 'gzip' } : {}),
    },
    meta: options.meta ?? { mode: 'mirror', traceSource: 'traceparent', version: '0.1.0' },
  };
  return encodeTapRecord(record);
}

export function diffVerdict(traceId: string, route: string, over: Partial<Verdict> = {}): Verdict {
  return {
    v: 1,
    traceId,
    service: 'shop',
    route,
    outcome: 'diff',
    decidedAt: 1_700_000_000_100,
    roles: ['primary', 'shadow'],
    status: { primary: 200, shadow: 200 },
    latencyMs: { primary: 12, shadow: 15 },
    diffs: [
      { kind: 'body', path: '/total', op: 'replace', severity: 'minor', primary: 70, shadow: 71 },
    ],
    suppressed: [{ kind: 'body', path: '/requestId', reason: 'volatile' }],
    ...over,
  };
}

export function driftExample(traceId: string, route = 'GET /orders/{id}'): ExamplePair {
  return {
    verdict: diffVerdict(traceId, route),
    halves: {
      primary: half(traceId, 'primary', { id: 7, total: 70, requestId: 'a' }),
      shadow: half(traceId, 'shadow', { id: 7, total: 71, requestId: 'b' }, { gzip: true }),
    },
  };
}
