import { z } from 'zod';

/** `host:port`, `:port` or a bare port number. */
export const listenSchema = z.union([
  z.number().int().min(0).max(65_535),
  z.string().regex(/^([^:]*:)?\d{1,5}$/, 'expected host:port, :port or a port number'),
]);

export const durationMsSchema = z.number().int().nonnegative();
export const urlSchema = z.string().url();
