import { DLQ_HEADERS } from '@shadowdiff/contracts';
import type { DecodeError } from '@shadowdiff/contracts';
import type { OutboundMessage, SourceMessage } from '@shadowdiff/engine';

/** Reasons are for humans reading the DLQ; a header is no place for a whole zod report. */
const MAX_REASON = 1_000;
const EMPTY = new Uint8Array(0);
/**
 * Largest value a DLQ copy keeps. The input may be far larger than the broker's limit once
 * uncompressed (a megabytes-long header that gzip made small on the wire): a copy that big would
 * fail its publish, and with it the batch, on every redelivery. Past this the copy keeps the first
 * bytes and the reason says how many there were.
 */
export const MAX_DLQ_VALUE_BYTES = 512 * 1024;

/**
 * The dead-letter copy of an undecodable record: the original key, bytes and headers, plus why it
 * failed and where it came from, so it can be inspected and replayed.
 */
export function dlqMessage(
  topic: string,
  source: SourceMessage,
  error: DecodeError,
): OutboundMessage {
  const value = source.value ?? EMPTY;
  const cut = value.byteLength > MAX_DLQ_VALUE_BYTES;
  const reason = error.message.slice(0, MAX_REASON);
  return {
    topic,
    key: source.key,
    value: cut ? value.subarray(0, MAX_DLQ_VALUE_BYTES) : value,
    headers: {
      ...source.headers,
      [DLQ_HEADERS.code]: error.code,
      [DLQ_HEADERS.reason]: cut
        ? `${reason} (value cut to its first ${MAX_DLQ_VALUE_BYTES} of ${value.byteLength} bytes)`
        : reason,
      [DLQ_HEADERS.sourceTopic]: source.topic,
      [DLQ_HEADERS.sourcePartition]: String(source.partition),
      [DLQ_HEADERS.sourceOffset]: source.offset,
    },
  };
}
