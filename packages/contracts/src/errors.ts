/** Every error code shadowdiff raises. Codes are stable: logs, alerts and the DLQ carry them. */
export const ERROR_CODES = [
  'ERR_DECODE_TRUNCATED',
  'ERR_DECODE_MAGIC',
  'ERR_DECODE_VERSION',
  'ERR_DECODE_HEADER',
  'ERR_DECODE_SCHEMA',
  'ERR_DECODE_LENGTH',
  /** Judging a decoded pair threw (an engine bug or an input past its limits): the halves go to the DLQ. */
  'ERR_JUDGE',
  'ERR_CONFIG_READ',
  'ERR_CONFIG_PARSE',
  'ERR_CONFIG_INVALID',
  'ERR_USAGE',
  'ERR_UPSTREAM',
  'ERR_STORE',
  'ERR_TRANSPORT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ShadowdiffErrorOptions {
  cause?: unknown;
  /** Whether the same operation may succeed if tried again (network blips, broker elections). */
  retriable?: boolean;
}

/** Base of every error shadowdiff throws or returns. */
export class ShadowdiffError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: ShadowdiffErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** A Kafka message value that is not a valid record: it goes to the DLQ with this code and reason. */
export class DecodeError extends ShadowdiffError {}

/** The config file is missing, unreadable or invalid; the message names the key and the fix. */
export class ConfigError extends ShadowdiffError {}

/** Bad command-line input; the message says what was wrong and what to type instead. */
export class UsageError extends ShadowdiffError {
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}
