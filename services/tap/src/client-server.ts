import * as http from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Meter } from '@opentelemetry/api';
import type { TapServerConfig } from '@shadowdiff/contracts';
import { REJECT_REASONS, answerClientError } from './client-guard.js';
import type { RejectReason } from './client-guard.js';

/**
 * `shadow.tap.rejected{reason}`: clients refused before any upstream saw the request. An
 * observable counter over plain integers, like the tap's other request-path counters.
 */
export function createRejectCounter(meter: Meter, service: string): (reason: RejectReason) => void {
  const counts = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<
    RejectReason,
    number
  >;
  meter
    .createObservableCounter('shadow.tap.rejected', {
      description:
        'Clients refused before any upstream saw the request, by reason: framing (ambiguous body framing), host, malformed, headers_too_large, timeout (headers or request too slow), connections (over the cap)',
    })
    .addCallback((result) => {
      for (const reason of REJECT_REASONS)
        if (counts[reason] > 0) result.observe(counts[reason], { env: 'shadow', service, reason });
    });
  return (reason) => (counts[reason] += 1);
}

/**
 * The server clients connect to, with the limits of `tap.server`: heads larger than
 * `maxHeaderBytes` get 431, heads (or whole requests) slower than `headersTimeoutMs`
 * (`requestTimeoutMs`) get 408, connections past `maxConnections` are closed on arrival — each
 * before any upstream sees a byte, and each counted in `shadow.tap.rejected{reason}`.
 *
 * node enforces the two timeouts only when it checks its connection list, every
 * `connectionsCheckingInterval` (30 s by default, which would let a slowloris connection live
 * up to 50 s past a 20 s timeout): checking every `min(1 s, headersTimeoutMs / 4)` keeps the
 * overshoot small for the cost of one walk over the open connections.
 */
export function createClientServer(
  limits: TapServerConfig,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  rejected: (reason: RejectReason) => void,
): Server {
  const server = http.createServer(
    {
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(
        10,
        Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4)),
      ),
      maxHeaderSize: limits.maxHeaderBytes,
    },
    handler,
  );
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  server.on('drop', () => rejected('connections'));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) =>
    answerClientError(error, socket, rejected),
  );
  return server;
}
