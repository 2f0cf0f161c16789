/**
 * HTTP and publishing fixtures every source's tests use: a raw HTTP/1.1 client that keeps (and
 * hashes) the bytes it got, and the embedded-style publisher that keeps what it is given.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { OutboundMessage, RecordPublisher } from '@shadowdiff/engine';

export interface RawResponse {
  status: number;
  statusMessage: string;
  rawHeaders: string[];
  rawTrailers: string[];
  body: Buffer;
  sha256: string;
  reusedSocket: boolean;
}

/** A plain HTTP/1.1 exchange; the body is kept as bytes (no decoding). */
export function fetchRaw(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    agent?: http.Agent;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: options.agent ?? false,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          rawHeaders: res.rawHeaders,
          rawTrailers: res.rawTrailers,
          body,
          sha256: createHash('sha256').update(body).digest('hex'),
          reusedSocket: req.reusedSocket,
        });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The embedded-style publisher: keeps what it is given. */
export class MemoryPublisher implements RecordPublisher {
  messages: OutboundMessage[] = [];
  publish(messages: OutboundMessage[]): Promise<void> {
    this.messages.push(...messages);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
