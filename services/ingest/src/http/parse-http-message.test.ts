import { describe, expect, it } from 'vitest';
import { parseHttpRequest, parseHttpResponse } from './parse-http-message.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function ok<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe('parseHttpRequest', () => {
  it('reads method, origin-form target, headers and a Content-Length body', () => {
    const req = ok(
      parseHttpRequest(
        bytes(
          'POST /orders?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nX-Multi: 1\r\nx-multi: 2\r\nContent-Length: 7\r\n\r\n{"a":1}',
        ),
      ),
    );
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/orders?x=1');
    expect(req.headers).toMatchObject({
      host: 'a',
      'content-type': 'application/json',
      'x-multi': '1, 2',
    });
    expect(text(req.body)).toBe('{"a":1}');
    expect(req).toMatchObject({ bodySize: 7, bodyTruncated: false });
  });

  it('has no body without Content-Length or chunking, and accepts bare LF line ends', () => {
    const req = ok(parseHttpRequest(bytes('GET /a HTTP/1.1\nHost: 127.0.0.1\n\n')));
    expect(req).toMatchObject({
      method: 'GET',
      url: '/a',
      headers: { host: '127.0.0.1' },
      bodySize: 0,
    });
    expect(req.body).toHaveLength(0);
  });

  it('reduces an absolute-form target to path and query', () => {
    expect(ok(parseHttpRequest(bytes('GET http://h:8/x/y?q HTTP/1.1\r\n\r\n'))).url).toBe('/x/y?q');
    expect(ok(parseHttpRequest(bytes('GET http://h:8 HTTP/1.1\r\n\r\n'))).url).toBe('/');
  });

  it('de-chunks a chunked body, ignoring extensions and trailers', () => {
    const req = ok(
      parseHttpRequest(
        bytes(
          'POST /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n',
        ),
      ),
    );
    expect(text(req.body)).toBe('Wikipedia in\r\n\r\nchunks.');
    expect(req).toMatchObject({ bodySize: 23, bodyTruncated: false });
  });

  it('flags a body the capture cut short', () => {
    const req = ok(parseHttpRequest(bytes('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc')));
    expect(req).toMatchObject({ bodySize: 10, bodyTruncated: true });
    expect(text(req.body)).toBe('abc');
    const chunked = ok(
      parseHttpRequest(bytes('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab')),
    );
    expect(chunked).toMatchObject({ bodyTruncated: true });
    expect(text(chunked.body)).toBe('ab');
  });

  it('caps the kept body and says how large it was', () => {
    const req = ok(
      parseHttpRequest(bytes('POST / HTTP/1.1\r\nContent-Length: 6\r\n\r\nabcdef'), {
        maxBodyBytes: 4,
      }),
    );
    expect(text(req.body)).toBe('abcd');
    expect(req).toMatchObject({ bodySize: 6, bodyTruncated: true });
  });

  it('rejects what is not an HTTP request, saying why', () => {
    expect(parseHttpRequest(bytes(''))).toMatchObject({ ok: false, reason: /no start line/ });
    expect(parseHttpRequest(bytes('hello\r\n\r\n'))).toMatchObject({
      ok: false,
      reason: /bad request line/,
    });
    expect(parseHttpRequest(bytes('GET / HTTP/1.1\r\nno colon\r\n\r\n'))).toMatchObject({
      ok: false,
      reason: /malformed header line/,
    });
    expect(
      parseHttpRequest(bytes('POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\nab')),
    ).toMatchObject({ ok: false, reason: /bad content-length/ });
    expect(
      parseHttpRequest(bytes('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')),
    ).toMatchObject({ ok: false, reason: /bad chunk size/ });
  });
});

describe('parseHttpResponse', () => {
  it('reads status, headers (set-cookie joined by newline) and body, keeping content-encoding', () => {
    const gz = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);
    const raw = Buffer.concat([
      bytes(
        'HTTP/1.1 201 Created\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=2\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n',
      ),
      gz,
    ]);
    const res = ok(parseHttpResponse(raw, 'GET'));
    expect(res.status).toBe(201);
    expect(res.headers['set-cookie']).toBe('a=1; Path=/\nb=2');
    expect(res.contentEncoding).toBe('gzip');
    expect(Buffer.from(res.body).equals(gz)).toBe(true);
  });

  it('reads to the end of the capture when there is no framing', () => {
    const res = ok(parseHttpResponse(bytes('HTTP/1.0 200 OK\r\n\r\nuntil close'), 'GET'));
    expect(text(res.body)).toBe('until close');
  });

  it('has no body after HEAD, 204 and 304 whatever Content-Length says', () => {
    const head = ok(
      parseHttpResponse(bytes('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n'), 'HEAD'),
    );
    expect(head).toMatchObject({ status: 200, bodySize: 0, bodyTruncated: false });
    expect(
      ok(parseHttpResponse(bytes('HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n'), 'GET')),
    ).toMatchObject({ bodySize: 0, bodyTruncated: false });
  });

  it('accepts a status line without a reason phrase and rejects a malformed one', () => {
    expect(ok(parseHttpResponse(bytes('HTTP/1.1 503\r\n\r\n'), 'GET')).status).toBe(503);
    expect(parseHttpResponse(bytes('HTTP/1.1 OK\r\n\r\n'), 'GET')).toMatchObject({
      ok: false,
      reason: /bad status line/,
    });
  });
});
