import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ParsedRequest, ParsedResponse } from '../../http/parse-http-message.js';
import { text } from '../conversation.test-kit.js';
import { HttpStream } from './http-stream.js';
import type { DeadReason, FramedMessage } from './http-stream.js';

function stream<K extends 'request' | 'response'>(
  kind: K,
  method?: () => string | undefined,
  maxBodyBytes = 1 << 20,
) {
  type T = K extends 'request' ? ParsedRequest : ParsedResponse;
  const messages: FramedMessage<T>[] = [];
  const dead: DeadReason[] = [];
  const interim: number[] = [];
  const s = new HttpStream<T>(
    kind as never,
    {
      message: (m) => messages.push(m),
      dead: (r) => dead.push(r),
      interim: (st) => interim.push(st),
    },
    { maxBodyBytes },
    method,
  );
  return { s, messages, dead, interim };
}

const b = (s: string) => Buffer.from(s, 'latin1');

/** Feeds `data` cut at every `step` bytes. */
function feed(s: { push(x: Uint8Array, now: number): void }, data: Uint8Array, step: number) {
  for (let at = 0; at < data.length; at += step) s.push(data.subarray(at, at + step), at);
}

const pipelined =
  'GET /a HTTP/1.1\r\nHost: x\r\n\r\n' +
  'POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello' +
  'PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n' +
  '\r\nDELETE /d HTTP/1.1\r\n\r\n';

describe('HttpStream', () => {
  it('frames keep-alive and pipelined requests however the bytes are cut', () => {
    for (const step of [1, 2, 3, 7, 64, 1000]) {
      const { s, messages, dead } = stream('request');
      feed(s, b(pipelined), step);
      expect(dead).toEqual([]);
      expect(
        messages.map((m) => `${m.message.method} ${m.message.url} ${text(m.message.body)}`),
      ).toEqual(['GET /a ', 'POST /b hello', 'PUT /c abcde', 'DELETE /d ']);
      expect(messages.every((m) => m.incomplete === undefined)).toBe(true);
    }
  });

  it('keeps a gzip body byte for byte, with its encoding', () => {
    const body = gzipSync(Buffer.from(randomBytes(3000).toString('base64')));
    const head = `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunked = Buffer.concat([
      b(head),
      b(`${(100).toString(16)}\r\n`),
      body.subarray(0, 100),
      b(`\r\n${(body.length - 100).toString(16)}\r\n`),
      body.subarray(100),
      b('\r\n0\r\n\r\n'),
    ]);
    const { s, messages } = stream('response');
    feed(s, chunked, 13);
    expect(messages).toHaveLength(1);
    const r = messages[0]!.message;
    expect(Buffer.from(r.body).equals(body)).toBe(true);
    expect(r).toMatchObject({
      status: 200,
      contentEncoding: 'gzip',
      bodySize: body.length,
      bodyTruncated: false,
    });
  });

  it('reports 100 Continue as interim and frames the final response', () => {
    const { s, messages, interim } = stream('response');
    feed(
      s,
      b('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'),
      5,
    );
    expect(interim).toEqual([100]);
    expect(messages.map((m) => m.message.status)).toEqual([201]);
  });

  it('gives HEAD, 204 and 304 responses no body, and reads a length-less body to the end', () => {
    let method = 'HEAD';
    const { s, messages } = stream('response', () => method);
    s.push(b('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'), 0);
    method = 'GET';
    s.push(b('HTTP/1.1 204 No Content\r\n\r\nHTTP/1.0 200 OK\r\n\r\nuntil'), 1);
    s.push(b(' close'), 2);
    expect(messages).toHaveLength(2);
    s.end(3);
    expect(messages.map((m) => [m.message.status, text(m.message.body)])).toEqual([
      [200, ''],
      [204, ''],
      [200, 'until close'],
    ]);
    expect(messages[2]!.incomplete).toBeUndefined();
  });

  it('survives a gap inside a body of known length, and marks that message', () => {
    const { s, messages, dead } = stream('response');
    s.push(b('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), 0);
    s.gap(4, 'lost', 1);
    s.push(b('hij'), 2);
    s.push(b('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), 3);
    expect(dead).toEqual([]);
    expect(messages[0]).toMatchObject({ incomplete: 'lost' });
    expect(messages[0]!.message).toMatchObject({ bodySize: 10, bodyTruncated: true });
    expect(text(messages[0]!.message.body)).toBe('abc');
    expect(messages[1]!.incomplete).toBeUndefined();
    expect(text(messages[1]!.message.body)).toBe('ok');
  });

  it('dies when a gap takes framing with it, handing on the message it cut', () => {
    const { s, messages, dead } = stream('request');
    s.push(b('POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nab'), 0);
    s.gap(50, 'truncated', 1);
    expect(dead).toEqual(['lost']);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ incomplete: 'truncated' });
    s.push(b('GET / HTTP/1.1\r\n\r\n'), 2);
    expect(messages).toHaveLength(1);
  });

  it('caps kept body bytes and still counts the whole size', () => {
    const { s, messages } = stream('request', undefined, 4);
    s.push(b('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789'), 0);
    expect(text(messages[0]!.message.body)).toBe('0123');
    expect(messages[0]!.message).toMatchObject({ bodySize: 10, bodyTruncated: true });
    expect(messages[0]!.incomplete).toBeUndefined();
  });

  it('tells TLS and other protocols from HTTP at the first bytes', () => {
    const tls = stream('request');
    tls.s.push(Uint8Array.of(0x16, 0x03, 0x01, 0x02, 0x00), 0);
    expect(tls.dead).toEqual(['tls']);
    const other = stream('request');
    other.s.push(b('\x00\x00\x00\x1fbinary protocol'), 0);
    expect(other.dead).toEqual(['not-http']);
    const garbageResponse = stream('response');
    garbageResponse.s.push(b('SSH-2.0-OpenSSH\r\n'), 0);
    expect(garbageResponse.dead).toEqual(['not-http']);
  });

  it('treats a 101 Switching Protocols answer as the end of HTTP on the connection', () => {
    const { s, messages, dead } = stream('response');
    s.push(b('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello'), 0);
    expect(messages.map((m) => m.message.status)).toEqual([101]);
    expect(dead).toEqual(['upgraded']);
  });

  it('marks a message cut by the end of the stream', () => {
    const { s, messages } = stream('response');
    s.push(b('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), 0);
    s.end(1);
    expect(messages[0]).toMatchObject({ incomplete: 'ended' });
  });
});
