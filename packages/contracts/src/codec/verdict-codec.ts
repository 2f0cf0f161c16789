import { DecodeError } from '../errors.js';
import { verdictSchema } from '../verdict.js';
import type { Verdict } from '../verdict.js';
import type { Decoded } from './result.js';
import { zodReason } from './zod-reason.js';

/** Verdicts are small and read by other teams' consumers: plain UTF-8 JSON. */
export function encodeVerdict(verdict: Verdict): Buffer {
  return Buffer.from(JSON.stringify(verdict), 'utf8');
}

export function decodeVerdict(value: Uint8Array | null | undefined): Decoded<Verdict> {
  if (!value || value.byteLength === 0) {
    return { ok: false, error: new DecodeError('ERR_DECODE_TRUNCATED', 'empty verdict value') };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(
      Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'),
    );
  } catch (error) {
    return {
      ok: false,
      error: new DecodeError(
        'ERR_DECODE_HEADER',
        `verdict is not JSON: ${(error as Error).message}`,
      ),
    };
  }
  const parsed = verdictSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, error: new DecodeError('ERR_DECODE_SCHEMA', zodReason(parsed.error)) };
  }
  return { ok: true, value: parsed.data as Verdict };
}
