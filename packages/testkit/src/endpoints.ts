import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    redisUrl: string;
    kafkaSource: string;
  }
}

/** Bootstrap brokers resolved by the integration global setup (test/setup/infra.ts). */
export function kafkaBrokers(): string[] {
  return inject('kafkaBrokers').split(',');
}

/** Where the broker came from: env, local script or testcontainers. */
export function kafkaSource(): string {
  return inject('kafkaSource');
}

/** Redis URL resolved by the integration global setup. */
export function redisUrl(): string {
  return inject('redisUrl');
}
