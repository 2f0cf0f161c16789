import { censusRecord, encodeTapRecord } from '@shadowdiff/contracts';
import type { CensusRecordInput, Role, TapRecord } from '@shadowdiff/contracts';
import type { SourceMessage } from '../ports/record-source.js';
import { compileRules } from '../route/compile-rules.js';
import type { ClassifyContext } from './classify.js';

export const rules = compileRules({});
export const PAIR: readonly Role[] = ['primary', 'shadow'];
export const context: ClassifyContext = { rules, rolesOf: () => PAIR };

/** A minimal answered half of trace `traceId` (GET `url`, 200 with a small JSON body). */
export function half(traceId: string, role: Role, url = '/orders/17'): TapRecord {
  const body = Buffer.from(`{"role":"${role}"}`);
  return {
    v: 1,
    traceId,
    role,
    service: 'shop',
    tapId: `tap-${role}`,
    capturedAt: 1_000,
    durationMs: 5,
    request: {
      method: 'GET',
      url,
      headers: {},
      body: new Uint8Array(0),
      bodySize: 0,
      bodyTruncated: false,
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body,
      bodySize: body.length,
      bodyTruncated: false,
    },
  };
}

let offset = 0;

/** The source message carrying `value`, published at `timestamp`. */
export function message(value: Uint8Array | null, timestamp = 2_000): SourceMessage {
  return {
    topic: 'shadowdiff.taps',
    partition: 0,
    offset: String(offset++),
    key: null,
    value,
    timestamp,
  };
}

export function halfMessage(traceId: string, role: Role, timestamp = 2_000): SourceMessage {
  return message(encodeTapRecord(half(traceId, role)), timestamp);
}

export function censusMessage(extra: Partial<CensusRecordInput> = {}): SourceMessage {
  const input: CensusRecordInput = {
    traceId: 'census-1',
    service: 'shop',
    tapId: 'tap-primary',
    at: 1_000,
    mode: 'mirror',
    method: 'POST',
    path: '/orders/99',
    reason: 'method',
    count: 4,
    ...extra,
  };
  return message(encodeTapRecord(censusRecord(input)));
}
