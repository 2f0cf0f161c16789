/**
 * The Node baseline: a bare node:http reverse proxy with keep-alive that pipes the request and the
 * response through, with no capture, trace ids, records or metrics. What any Node proxy pays for
 * the hop itself. Prints its port on stdout.
 *
 *   node pipe-proxy.js <upstream-url>
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = new URL(process.argv[2] as string);
const agent = new Agent({ keepAlive: true, maxFreeSockets: 256 });

const server = createServer((req, res) => {
  const upReq = request(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent,
    },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    },
  );
  upReq.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upReq);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
