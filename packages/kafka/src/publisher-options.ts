import type { ConnectionOptions } from 'node:tls';

type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
type SaslCredentials = {
  [M in SaslMechanism]: { mechanism: M; username: string; password: string };
}[SaslMechanism];

/**
 * TLS and SASL of a kafkajs client, as `@shadowdiff/connect`'s `kafkaSecurity(config.kafka)`
 * resolves them from the config file. Plain data (it crosses to the publisher's thread).
 */
export interface KafkaClientSecurity {
  ssl?: ConnectionOptions;
  /** One member per mechanism (the shape kafkajs's `SASLOptions` takes). */
  sasl?: SaslCredentials;
}

/** Options of the kafkajs record publisher; every field but brokers/clientId has a default. */
export interface KafkaPublisherOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** TLS / SASL towards the brokers. Default: plaintext, no authentication. */
  security?: KafkaClientSecurity;
  /** kafkajs client id, e.g. `shadowdiff-tap`. */
  clientId: string;
  /** Batch compression: `gzip` (built into kafkajs) or `none`. Default `gzip`. */
  compression?: 'gzip' | 'none';
  /**
   * zlib level for gzip, 1 (fastest) to 9. Default 1: on JSON records it compresses nearly as well
   * as level 6 for a fraction of the CPU, and the tap's CPU is the production service's CPU.
   * kafkajs keeps codecs in one process-wide table, so this applies to every kafkajs producer in
   * the process; decompression is unaffected.
   */
  gzipLevel?: number;
  /**
   * Idempotent producer (acks=all, one request in flight, producer id + sequence numbers), so a
   * retried batch is not written twice. Default true.
   */
  idempotent?: boolean;
  /** TCP connect timeout per broker. Default 3000 ms. */
  connectionTimeoutMs?: number;
  /** Per-request timeout (a produce waiting for acks). Default 10000 ms. */
  requestTimeoutMs?: number;
  /**
   * Retries kafkajs makes inside one `publish` before it rejects. Kept small: the caller (the tap's
   * bounded buffer) owns retrying and decides what to drop. Default 3.
   */
  sendRetries?: number;
  /** First and largest delay between background connection attempts. Default 250 / 10000 ms. */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Warnings and errors (connection lost, reconnecting). Default: discarded. */
  log?: (line: string) => void;
  /** Called whenever `state` or `lastError` changes (the threaded publisher relays them). */
  onStateChange?: (state: KafkaPublisherState, lastError: string | undefined) => void;
}

/** Where the publisher stands; `connecting` also covers "broker down, retrying in the background". */
export type KafkaPublisherState = 'connecting' | 'connected' | 'closed';
