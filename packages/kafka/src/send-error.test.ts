import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { needsNewProducer, sendErrorRetriable } from './send-error.js';

const {
  KafkaJSConnectionError,
  KafkaJSLockTimeout,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} = kafkajs;

// kafkajs's own retrier, the one its producer's send path runs (src/producer/sendMessages.js).
const createRetry = createRequire(import.meta.url)('kafkajs/src/retry') as (options: {
  retries: number;
  initialRetryTime: number;
  maxRetryTime: number;
}) => (fn: (bail: (e: Error) => void) => Promise<unknown>) => Promise<unknown>;

/** The error kafkajs's send rejects with when every try failed with `thrown` (or bailed on it). */
async function throughRetrier(thrown: () => Error, bail = false): Promise<Error> {
  const retry = createRetry({ retries: 2, initialRetryTime: 1, maxRetryTime: 2 });
  return retry(async (stop) => {
    if (bail) stop(thrown());
    throw thrown();
  }).then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

/** A broker error as kafkajs builds it from a response's error code. */
function protocolError(fields: {
  message: string;
  type: string;
  code: number;
  retriable: boolean;
}) {
  return new KafkaJSProtocolError(fields as unknown as Error);
}

describe('sendErrorRetriable', () => {
  it('a broker that stays down is worth retrying, though kafkajs flags it retriable: false', async () => {
    for (const thrown of [
      () => new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:19292'),
      () => new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out'),
      () =>
        new (KafkaJSLockTimeout as unknown as new (m: string) => Error)(
          'Timeout while acquiring lock (1 waiting locks)',
        ),
      () =>
        protocolError({
          message: 'There is no leader for this topic-partition',
          type: 'LEADER_NOT_AVAILABLE',
          code: 5,
          retriable: true,
        }),
    ]) {
      const error = await throughRetrier(thrown);
      // Retries used up, or (a lock timeout is itself flagged final) given up on at once.
      expect(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSNonRetriableError']).toContain(error.name);
      expect((error as { retriable?: boolean }).retriable).toBe(false); // the defect
      expect(sendErrorRetriable(error)).toBe(true);
    }
  });

  it('a batch the broker can never take, kafkajs refusing the input, and bugs are final', async () => {
    const tooLarge = () =>
      protocolError({
        message:
          'The request included a message larger than the max message size the server will accept',
        type: 'MESSAGE_TOO_LARGE',
        code: 10,
        retriable: false,
      });
    expect(sendErrorRetriable(await throughRetrier(tooLarge, true))).toBe(false);
    expect(sendErrorRetriable(new KafkaJSNonRetriableError('Invalid topic'))).toBe(false);
    expect(sendErrorRetriable(await throughRetrier(() => new TypeError('x is undefined')))).toBe(
      false,
    );
  });

  it('producer-state errors ask for a new producer', async () => {
    const error = await throughRetrier(
      () =>
        protocolError({
          message: 'The broker received an out of order sequence number',
          type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
          code: 45,
          retriable: false,
        }),
      true,
    );
    expect(needsNewProducer(error)).toBe(true);
    expect(sendErrorRetriable(error)).toBe(true);
    expect(needsNewProducer(new KafkaJSConnectionError('down'))).toBe(false);
  });
});
