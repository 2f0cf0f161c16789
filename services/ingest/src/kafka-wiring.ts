import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ShadowdiffError } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { createKafkaPublisher } from '@shadowdiff/kafka';
import type { KafkaRecordPublisher } from '@shadowdiff/kafka';
import { createRedactor } from '@shadowdiff/source';
import { redactRecord } from './redact-record.js';
import { kafkaSecurity } from '@shadowdiff/connect';

/** The Kafka publisher an ingest verb writes TapRecords through (`kafka.*` from the config). */
export function ingestPublisher(
  config: ShadowdiffConfig,
  verb: string,
  log: (line: string) => void,
): KafkaRecordPublisher {
  return createKafkaPublisher({
    brokers: config.kafka.brokers,
    security: kafkaSecurity(config.kafka),
    clientId: `${config.kafka.clientId}-${verb}`,
    log,
  });
}

/** Waits for the broker, or fails with a message that names it and the setting to change. */
export async function awaitKafka(
  publisher: KafkaRecordPublisher,
  config: ShadowdiffConfig,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ShadowdiffError(
            'ERR_TRANSPORT',
            `cannot reach Kafka at ${config.kafka.brokers.join(',')} within ${timeoutMs / 1000} s` +
              `${publisher.lastError ? ` (${publisher.lastError})` : ''} — set kafka.brokers or KAFKA_BROKERS`,
            { retriable: true },
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([publisher.ready(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The tap's redaction for records built here. Key from the env var `tap.redact.keyEnv` (shared
 * with the taps, so tokens agree across sources); without it a random key, which is enough for
 * pairing because both halves of a pair are redacted in this one process.
 */
export function ingestRedaction(config: ShadowdiffConfig, env: NodeJS.ProcessEnv) {
  const fromEnv = env[config.tap.redact.keyEnv];
  return redactRecord(
    createRedactor({
      key: fromEnv ? Buffer.from(fromEnv, 'utf8') : randomBytes(32),
      headers: config.tap.redact.headers,
      jsonPaths: config.tap.redact.jsonPaths,
    }),
  );
}

/** `tapId` of records from this process. */
export function ingestTapId(source: string): string {
  return `${source}@${hostname()}:${process.pid}`;
}
