import type { OutboundMessage } from '@shadowdiff/engine';

/**
 * Most bytes one publish carries. The broker refuses a record batch over `message.max.bytes`
 * (1 MiB by default) and the whole produce request fails with it, so a consumer batch whose DLQ
 * copies and verdicts add up past the limit would fail, be redelivered and fail again forever.
 * Half the default leaves room for framing and headers.
 */
export const MAX_PUBLISH_BYTES = 512 * 1024;

/** Rough wire size of one message: value, key, headers and a fixed per-record overhead. */
function sizeOf(m: OutboundMessage): number {
  let size = 64 + m.value.byteLength + (m.key?.length ?? 0);
  if (m.headers !== undefined) {
    for (const [k, v] of Object.entries(m.headers)) size += k.length + v.length + 8;
  }
  return size;
}

/**
 * Splits messages, in order, into chunks of at most `maxBytes` (a single larger message is a
 * chunk of its own: the broker decides about it, and it fails alone).
 */
export function chunkMessages(
  messages: readonly OutboundMessage[],
  maxBytes = MAX_PUBLISH_BYTES,
): OutboundMessage[][] {
  const chunks: OutboundMessage[][] = [];
  let current: OutboundMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = sizeOf(m);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
