/**
 * The benchmark's service: answers every request with the same 1 KB JSON document, optionally
 * after a fixed delay (the "slow shadow"). Prints its port on stdout.
 *
 *   node upstream.js [delayMs]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerDocument } from './answer-document.js';

const delayMs = Number(process.argv[2] ?? 0);
const body = answerDocument();
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = createServer((req, res) => {
  req.resume();
  if (delayMs > 0) {
    setTimeout(() => res.writeHead(200, headers).end(body), delayMs);
  } else {
    res.writeHead(200, headers).end(body);
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
