import { DLQ_HEADERS } from '@shadowdiff/contracts';
import type { DecodeError } from '@shadowdiff/contracts';
import type { OutboundMessage, SourceMessage } from '@shadowdiff/engine';

/** Reasons are for humans reading the DLQ; a header is no place for a whole zod report. */
const MAX_REASON = 1_000;
const EMPTY = new Uint8Array(0);

/**
 * The dead-letter copy of an undecodable record: the original key, bytes and headers, plus why it
 * failed and where it came from, so it can be inspected and replayed.
 */
export function dlqMessage(
  topic: string,
  source: SourceMessage,
  error: DecodeError,
): OutboundMessage {
  return {
    topic,
    key: source.key,
    value: source.value ?? EMPTY,
    headers: {
      ...source.headers,
      [DLQ_HEADERS.code]: error.code,
      [DLQ_HEADERS.reason]: error.message.slice(0, MAX_REASON),
      [DLQ_HEADERS.sourceTopic]: source.topic,
      [DLQ_HEADERS.sourcePartition]: String(source.partition),
      [DLQ_HEADERS.sourceOffset]: source.offset,
    },
  };
}
