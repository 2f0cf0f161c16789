/**
 * Protocol errors that say the batch itself is at fault (too large, malformed): sending it again
 * can never succeed.
 */
const RECORD_FAULTS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'INVALID_REQUIRED_ACKS',
  'INVALID_TOPIC_EXCEPTION',
]);

/** Producer-state errors a fresh producer (new producer id and sequence numbers) mends. */
const PRODUCER_STATE = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
]);

/** Errors of the JavaScript itself: a bug, which trying again only repeats (kafkajs's own list). */
const BUGS = new Set(['RangeError', 'ReferenceError', 'SyntaxError', 'TypeError']);

interface ErrorLink {
  name?: unknown;
  type?: unknown;
  cause?: unknown;
}

function chain(error: unknown): ErrorLink[] {
  const out: ErrorLink[] = [];
  for (let e = error; typeof e === 'object' && e !== null && !out.includes(e);) {
    out.push(e as ErrorLink);
    e = (e as ErrorLink).cause;
  }
  return out;
}

/**
 * Whether a failed kafkajs send may succeed if the same records are sent again later.
 *
 * kafkajs's own `retriable` flag cannot answer that: its retrier rejects with
 * `KafkaJSNumberOfRetriesExceeded` once a send's retries are used up and with
 * `KafkaJSNonRetriableError` for anything it gives up on, both `retriable: false`, whatever they
 * wrap. A broker down for longer than a few hundred milliseconds (connection refused, request
 * timeout, lock timeout, leader not available) therefore looked like a batch the broker refused
 * for good, and the tap dropped it (`publish_failed`): issue 19's 31% of traces lost in a 20 s
 * outage. Here the whole cause chain is read: only a batch the broker can never take (a record
 * fault such as MESSAGE_TOO_LARGE), kafkajs refusing the input itself (a bare
 * `KafkaJSNonRetriableError`, e.g. an invalid topic), or a bug is final; everything else is
 * transport trouble worth retrying.
 */
export function sendErrorRetriable(error: unknown): boolean {
  for (const link of chain(error)) {
    if (typeof link.name === 'string' && BUGS.has(link.name)) return false;
    if (link.name === 'KafkaJSProtocolError' && RECORD_FAULTS.has(String(link.type))) return false;
    if (link.name === 'KafkaJSNonRetriableError' && link.cause === undefined) return false;
  }
  return true;
}

/** The send failed on producer state (sequence, epoch) that only a new producer resets. */
export function needsNewProducer(error: unknown): boolean {
  return chain(error).some(
    (link) => link.name === 'KafkaJSProtocolError' && PRODUCER_STATE.has(String(link.type)),
  );
}
