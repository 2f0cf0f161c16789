import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TapMetrics, Upstream } from '@shadowdiff/source';
import { withoutHeader } from './client-guard.js';

/**
 * Upgrade (websocket, h2c) and CONNECT requests are tunnelled to the primary byte for byte, without
 * capture, mirroring or records: their payload is a different protocol, and replaying a websocket
 * session into a shadow is not a request/response comparison. The upstream's answer head is relayed
 * as it came (101 and all), then both sockets are piped into each other.
 */
export function createTunnelHandler(
  primary: Upstream,
  kind: 'upgrade' | 'connect',
  metrics: TapMetrics,
  stripHeader?: string,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    metrics.passthrough(kind);
    metrics.skipped('upgrade');
    // As they came (Connection and Upgrade are the point here), minus a client's mirror marker.
    const headers = [
      ...(stripHeader === undefined ? req.rawHeaders : withoutHeader(req.rawHeaders, stripHeader)),
    ];
    if (req.headers.host === undefined) headers.push('Host', primary.host);
    // A fresh connection: the socket is handed over to the tunnel and never returns to a pool.
    const upReq = primary.tunnel(req.method ?? 'GET', req.url ?? '/', headers);
    socket.on('error', () => upReq.destroy());

    const relayHead = (statusCode: number, statusMessage: string, rawHeaders: string[]): void => {
      let text = `HTTP/1.1 ${statusCode} ${statusMessage}\r\n`;
      for (let i = 0; i < rawHeaders.length; i += 2)
        text += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
      socket.write(`${text}\r\n`);
    };
    const tunnel = (upRes: IncomingMessage, upSocket: Duplex, upHead: Buffer): void => {
      relayHead(upRes.statusCode ?? 502, upRes.statusMessage ?? '', upRes.rawHeaders);
      if (upHead.length > 0) socket.write(upHead);
      if (head.length > 0) upSocket.write(head);
      // Either side ending or failing ends the other: a tunnel never outlives its peer.
      upSocket.on('error', () => socket.destroy());
      socket.on('error', () => upSocket.destroy());
      upSocket.once('close', () => socket.destroy());
      socket.once('close', () => upSocket.destroy());
      upSocket.pipe(socket);
      socket.pipe(upSocket);
    };

    upReq.on(kind, tunnel);
    // The upstream declined the upgrade with an ordinary response: relay it, then close.
    upReq.on('response', (upRes) => {
      // Node has de-chunked the body: frame it by closing the connection instead.
      const kept: string[] = [];
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) {
        const name = upRes.rawHeaders[i] as string;
        if (!/^(connection|keep-alive|transfer-encoding)$/i.test(name)) {
          kept.push(name, upRes.rawHeaders[i + 1] as string);
        }
      }
      relayHead(upRes.statusCode ?? 502, upRes.statusMessage ?? '', [
        ...kept,
        'Connection',
        'close',
      ]);
      upRes.pipe(socket);
    });
    upReq.on('error', (error) => {
      if (!socket.writable) return;
      const body = `shadowdiff tap: upstream error: ${error.message}\n`;
      socket.end(
        `HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    upReq.end();
  };
}
