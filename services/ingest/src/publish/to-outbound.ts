import { TapRecordEncoder, cutToFit, encodeTapRecord } from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import type { OutboundMessage } from '@shadowdiff/engine';

/**
 * A TapRecord as a message on the taps topic: framed value, key = trace id (both halves
 * co-partitioned). A record larger than `maxBytes` (the config's `kafka.maxMessageBytes`) has its
 * bodies cut to fit, flagged truncated, rather than failing at produce.
 */
export function toOutbound(record: TapRecord, topic: string, maxBytes?: number): OutboundMessage {
  const value = encodeTapRecord(record);
  if (maxBytes === undefined || value.byteLength <= maxBytes) {
    return { topic, key: record.traceId, value };
  }
  const cut = new TapRecordEncoder().encode(cutToFit(record, value.byteLength, maxBytes));
  const bytes = new Uint8Array(cut.byteLength);
  cut.copyTo(bytes, 0);
  return { topic, key: record.traceId, value: bytes };
}
