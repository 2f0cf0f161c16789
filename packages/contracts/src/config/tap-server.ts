import { z } from 'zod';

/**
 * The tap's client-facing HTTP server: what bounds a hostile or broken client (an oversized head,
 * a slowloris connection trickling its head, a connection flood) so that it costs the tap a
 * bounded amount and never reaches the primary. Idle keep-alive connections between requests are
 * bounded by `keepAliveTimeoutMs` and, like every connection, by `maxConnections`.
 */
export const tapServerSchema = z
  .object({
    /**
     * Largest request head (request line and headers) a client may send; a larger one is answered
     * `431` and the connection closed before any upstream sees it. Default 16384, node's own
     * default (response heads from upstreams keep undici's, also 16 KiB).
     */
    maxHeaderBytes: z.number().int().positive().default(16_384),
    /**
     * Time from a connection's (or a request's) first byte until its head is complete; past it the
     * client gets `408` and the connection is closed. Bounds slowloris connections that trickle a
     * head, or open and never send. Checked every `min(1 s, headersTimeoutMs / 4)`, so a connection
     * may last up to that much longer. Default 20000 ms.
     */
    headersTimeoutMs: z.number().int().positive().default(20_000),
    /**
     * Time from a request's first byte until the whole request (head and body) has arrived; past it
     * the client gets `408` (when no response has started) and the connection is closed. Bounds a
     * body trickled a byte at a time. Must leave room for the largest legitimate upload at the
     * slowest client's rate. Default 300000 ms (node's default).
     */
    requestTimeoutMs: z.number().int().positive().default(300_000),
    /**
     * An idle keep-alive connection is closed after this long. Longer than the usual client and
     * load-balancer idle timeouts (Envoy, ALB 60 s), so the tap is not the side that closes a
     * connection a client is about to reuse. Default 65000 ms.
     */
    keepAliveTimeoutMs: z.number().int().positive().default(65_000),
    /**
     * Client connections held at once; a connection beyond it is closed on arrival (counted as
     * `shadow.tap.rejected{reason="connections"}`). 0 = no cap (then the process's file-descriptor
     * limit is the cap). Default 16384.
     */
    maxConnections: z.number().int().nonnegative().default(16_384),
  })
  .strict()
  .refine((s) => s.requestTimeoutMs >= s.headersTimeoutMs, {
    message: 'requestTimeoutMs must be >= headersTimeoutMs (a request includes its head)',
    path: ['requestTimeoutMs'],
  });

export type TapServerConfig = z.infer<typeof tapServerSchema>;
