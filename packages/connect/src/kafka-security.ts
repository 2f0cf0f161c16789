import { ConfigError } from '@shadowdiff/contracts';
import type { KafkaConfig, KafkaSaslConfig } from '@shadowdiff/contracts';
import { processEnv, resolvePassword, resolveTls } from './secrets.js';
import type { ConnectEnv, TlsOptions } from './secrets.js';

/** The `ssl` / `sasl` options of a kafkajs client (structurally: kafkajs's own types accept it). */
export interface KafkaSecurity {
  ssl?: TlsOptions;
  /** One member per mechanism (the shape kafkajs's `SASLOptions` takes). */
  sasl?: {
    [M in KafkaSaslConfig['mechanism']]: { mechanism: M; username: string; password: string };
  }[KafkaSaslConfig['mechanism']];
}

/**
 * Resolves `kafka.ssl` and `kafka.sasl` (files read, password taken from its env variable or
 * file) into kafkajs client options. Plain values only, so they cross to the publisher's
 * worker thread as they are. Throws a {@link ConfigError} naming the key on a bad file or a
 * missing secret, so a service fails at start-up rather than on its first connection.
 */
export function kafkaSecurity(
  config: Pick<KafkaConfig, 'ssl' | 'sasl'>,
  io: ConnectEnv = processEnv,
): KafkaSecurity {
  const out: KafkaSecurity = {};
  const ssl = resolveTls('kafka.ssl', config.ssl, io);
  if (ssl !== undefined) out.ssl = ssl;
  if (config.sasl !== undefined) {
    const password = resolvePassword('kafka.sasl', config.sasl, io);
    if (password === undefined) {
      throw new ConfigError('ERR_CONFIG_INVALID', 'kafka.sasl: set passwordEnv or passwordFile');
    }
    const { mechanism, username } = config.sasl;
    out.sasl = { mechanism, username, password } as NonNullable<KafkaSecurity['sasl']>;
  }
  return out;
}

/** One line for logs: how the clients connect, without any secret. */
export function describeKafkaSecurity(config: Pick<KafkaConfig, 'ssl' | 'sasl'>): string {
  const tls = config.ssl === undefined || config.ssl === false ? 'plaintext' : 'TLS';
  return config.sasl === undefined
    ? tls
    : `${tls}, SASL ${config.sasl.mechanism.toUpperCase()} as ${config.sasl.username}`;
}
