import type { CapturedRequest, CapturedResponse, TapRecord } from '../tap-record.js';

/** Bytes kept free under the limit for the meta note this adds and the batch's own framing. */
const MARGIN = 512;

/**
 * The record with its bodies cut so that its encoding (`size` bytes now) fits in `limit` bytes:
 * the response keeps at least half of the room (it is what gets judged), the request the rest.
 * Cut bodies are flagged `bodyTruncated` (with their full `bodySize`), so the worker treats them as
 * it treats any truncated capture, and `meta.cutToFit` names the limit that cut them. A record
 * that cannot fit even with empty bodies keeps empty bodies.
 */
export function cutToFit(record: TapRecord, size: number, limit: number): TapRecord {
  const req = record.request.body.byteLength;
  const res = record.response?.body.byteLength ?? 0;
  const room = Math.max(0, limit - (size - req - res) - MARGIN);
  const resKeep = Math.min(res, Math.max(room - req, Math.floor(room / 2)));
  const reqKeep = Math.min(req, room - resKeep);
  const out: TapRecord = {
    ...record,
    request: cut(record.request, reqKeep),
    meta: { ...record.meta, cutToFit: String(limit) },
  };
  if (record.response) out.response = cut(record.response, resKeep);
  return out;
}

function cut<T extends CapturedRequest | CapturedResponse>(part: T, keep: number): T {
  if (part.body.byteLength <= keep) return part;
  return { ...part, body: part.body.subarray(0, keep), bodyTruncated: true };
}
