import { z } from 'zod';

/** `host:port`, `:port` or a bare port number. */
export const listenSchema = z.union([
  z.number().int().min(0).max(65_535),
  z
    .string()
    .regex(/^([^:]*:)?\d{1,5}$/, 'expected host:port, :port or a port number')
    .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65_535, 'port must be 0-65535'),
]);

export const durationMsSchema = z.number().int().nonnegative();
/** An absolute URL; the message says what one looks like (zod's own is `Invalid url`). */
export const urlSchema = z
  .string()
  .url('expected an absolute URL such as http://127.0.0.1:9000 (scheme, host and port)');
