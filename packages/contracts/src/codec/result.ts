import type { DecodeError } from '../errors.js';

/** Decoding is expected to fail on bad input: the failure is a value, never a throw. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: DecodeError };
