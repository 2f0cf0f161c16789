import * as http from 'node:http';
import type { Server } from 'node:http';

export interface AdminState {
  /** False once shutdown began: load balancers should stop sending traffic. */
  ready(): boolean;
  /** Facts for humans and probes (mode, buffer depth, publisher state). */
  describe(): Record<string, unknown>;
}

/**
 * `/healthz` (liveness: the process answers) and `/readyz` (readiness: listening and not draining).
 * Kafka being down does not make the tap unready: it still serves traffic, which is its first duty;
 * the publisher's state is in the body for whoever wants to alert on it.
 */
export function createAdminServer(state: AdminState): Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      send(res, 200, { status: 'ok' });
    } else if (path === '/readyz') {
      const ready = state.ready();
      send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'draining', ...state.describe() });
    } else {
      send(res, 404, { error: 'not found', endpoints: ['/healthz', '/readyz'] });
    }
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
