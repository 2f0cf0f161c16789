import { ShadowdiffError } from '@shadowdiff/contracts';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';
import { promisify } from 'node:util';
import { gzipSync, unzip } from 'node:zlib';
import { applyKafkajsFixes } from '@shadowdiff/kafkajs-fixes';
import kafkajs, { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { RepeatLimiter } from './repeat-limiter.js';
import { needsNewProducer, sendErrorRetriable } from './send-error.js';

// Node's ESM loader cannot see `CompressionCodecs` as a named export of the CommonJS kafkajs build
// (cjs-module-lexer misses it), so it is read from the module object at run time.
const { CompressionCodecs } = kafkajs;
import type { LogEntry, Producer } from 'kafkajs';
import type { KafkaPublisherOptions, KafkaPublisherState } from './publisher-options.js';
import { toTopicMessages } from './topic-messages.js';
import { PublisherStatus, publisherWith } from './publisher-status.js';
import { javaCompatiblePartitioner } from './partitioner.js';

/** A RecordPublisher over a kafkajs producer that connects (and reconnects) in the background. */
export interface KafkaRecordPublisher extends RecordPublisher {
  readonly state: KafkaPublisherState;
  /** The last connection or send failure, for health endpoints and logs. */
  readonly lastError: string | undefined;
  /** Resolves when connected; rejects if the publisher is closed first. */
  ready(): Promise<void>;
}

/**
 * Creates a kafkajs-backed publisher. It never blocks its caller on the broker: while Kafka is
 * unreachable, `publish` rejects at once with a retriable ERR_TRANSPORT and a background loop keeps
 * trying to connect with capped exponential backoff, so a service can start and serve traffic
 * without Kafka. Messages go out idempotent, acks=all, compressed, partitioned by key with the
 * Java-compatible murmur2 partitioner (same key -> same partition as any other client).
 */
export function createKafkaPublisher(options: KafkaPublisherOptions): KafkaRecordPublisher {
  const log = options.log ?? (() => {});
  const idempotent = options.idempotent ?? true;
  const compression =
    (options.compression ?? 'gzip') === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  if (compression === CompressionTypes.GZIP) useGzipLevel(options.gzipLevel ?? 1);
  applyKafkajsFixes();
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const initialBackoff = options.reconnectInitialMs ?? 250;
  const maxBackoff = options.reconnectMaxMs ?? 10_000;

  // kafkajs repeats its connection errors on every attempt while a broker is down: one line per
  // kind of message per interval, with how many were held back.
  const kafkaLog = new RepeatLimiter(log, 10_000);
  const kafka = new Kafka({
    brokers: options.brokers,
    ...options.security,
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout,
    // Connect attempts fail fast; the loop below owns the long-term retrying.
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      // Capping retries is deliberate (the caller's buffer retries), so this warning is noise.
      if (entry.log.message.startsWith('Limiting retries for the idempotent producer')) return;
      kafkaLog.write(`kafka ${entry.namespace}: ${entry.log.message}`);
    },
  });

  const status = new PublisherStatus(options.onStateChange);
  let producer: Producer | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;

  const newProducer = (): Producer =>
    kafka.producer({
      idempotent,
      // The idempotent producer keeps ordering only with one request in flight per broker.
      maxInFlightRequests: idempotent ? 1 : undefined,
      createPartitioner: javaCompatiblePartitioner,
      retry: {
        retries: Math.max(1, options.sendRetries ?? 3),
        initialRetryTime: 100,
        maxRetryTime: 2_000,
      },
    });

  const connectLoop = (attempt: number): void => {
    if (status.state === 'closed') return;
    const candidate = newProducer();
    connecting = candidate
      .connect()
      .then(() => {
        connecting = undefined;
        if (status.state === 'closed') {
          void candidate.disconnect().catch(() => {});
          return;
        }
        producer = candidate;
        if (status.lastError !== undefined) log(`kafka: connected to ${options.brokers.join(',')}`);
        status.update('connected', undefined);
      })
      .catch((error: unknown) => {
        connecting = undefined;
        void candidate.disconnect().catch(() => {});
        if (status.state === 'closed') return;
        const message = describe(error);
        // One line when the failure starts or changes, not one per attempt.
        if (message !== status.lastError) {
          log(
            `kafka: cannot connect to ${options.brokers.join(',')} (${message}); retrying in the background`,
          );
        }
        status.update(status.state, message);
        const delay = Math.min(maxBackoff, initialBackoff * 2 ** Math.min(attempt, 16));
        retryTimer = setTimeout(() => connectLoop(attempt + 1), delay);
        retryTimer.unref();
      });
  };

  const reconnect = (): void => {
    if (status.state !== 'connected') return;
    status.update('connecting', status.lastError);
    const old = producer;
    producer = undefined;
    void old?.disconnect().catch(() => {});
    connectLoop(0);
  };

  connectLoop(0);

  return publisherWith(status, {
    async publish(messages: OutboundMessage[]): Promise<void> {
      if (messages.length === 0) return;
      const refusal = status.refusal();
      if (refusal) throw refusal;
      // Connected means a producer is set (it is cleared only after the state left `connected`).
      const current = producer as Producer;
      try {
        await current.sendBatch({
          topicMessages: toTopicMessages(messages),
          acks: -1,
          compression,
          timeout: requestTimeout,
        });
      } catch (error) {
        const message = describe(error);
        status.update(status.state, message);
        // A producer kafkajs considers disconnected never recovers by itself, nor one whose
        // sequence numbers the broker rejects: build a new one.
        if (message.includes('disconnected') || needsNewProducer(error)) reconnect();
        throw new ShadowdiffError('ERR_TRANSPORT', `kafka send failed: ${message}`, {
          cause: error,
          // Not kafkajs's flag: it marks every send whose retries ran out final (send-error.ts).
          retriable: sendErrorRetriable(error),
        });
      }
    },
    async close(): Promise<void> {
      if (status.state === 'closed') return;
      status.update('closed', status.lastError);
      if (retryTimer) clearTimeout(retryTimer);
      await connecting?.catch(() => {});
      const current = producer;
      producer = undefined;
      await current?.disconnect().catch(() => {});
    },
  });
}

const unzipAsync = promisify(unzip);

/**
 * Replaces kafkajs's gzip codec (zlib's default level 6) with one at `level`; same wire format.
 * Compression runs synchronously: zlib's asynchronous path costs 2-4x the CPU on batch-sized input
 * (a thread-pool round trip and a stream per call), and a level-1 batch takes well under a
 * millisecond. The tap publishes from its own thread, so this never runs between its requests.
 */
function useGzipLevel(level: number): void {
  CompressionCodecs[CompressionTypes.GZIP] = () => ({
    compress: (encoder: { buffer: Buffer }) => Promise.resolve(gzipSync(encoder.buffer, { level })),
    decompress: (buffer: Buffer) => unzipAsync(buffer),
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message !== error.message
      ? `${error.message}: ${cause.message}`
      : error.message;
  }
  return String(error);
}
