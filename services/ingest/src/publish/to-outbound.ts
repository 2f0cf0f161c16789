import { encodeTapRecord } from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import type { OutboundMessage } from '@shadowdiff/engine';

/** A TapRecord as a message on the taps topic: framed value, key = trace id (both halves co-partitioned). */
export function toOutbound(record: TapRecord, topic: string): OutboundMessage {
  return { topic, key: record.traceId, value: encodeTapRecord(record) };
}
