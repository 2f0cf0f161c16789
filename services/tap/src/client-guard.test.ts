import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientErrorReason, framingProblem, originForm, withoutHeader } from './client-guard.js';

const req = (rawHeaders: string[], minor = 1): IncomingMessage =>
  ({ rawHeaders, httpVersionMajor: 1, httpVersionMinor: minor }) as unknown as IncomingMessage;

describe('framingProblem', () => {
  it('lets unambiguous framing through', () => {
    expect(framingProblem(req(['Host', 'x']))).toBeUndefined();
    expect(framingProblem(req(['Host', 'x', 'Content-Length', '5']))).toBeUndefined();
    expect(framingProblem(req(['Host', 'x', 'Transfer-Encoding', 'Chunked ']))).toBeUndefined();
  });

  it('refuses what two parsers could frame differently', () => {
    const reasons = [
      ['Transfer-Encoding', 'gzip, chunked'],
      ['Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'chunked'],
      ['Transfer-Encoding', 'chunked', 'Content-Length', '3'],
      ['Content-Length', '3', 'content-length', '3'],
      ['Transfer-Encoding', ''],
    ].map((h) => framingProblem(req(['Host', 'x', ...h]))?.reason);
    expect(reasons).toEqual(['framing', 'framing', 'framing', 'framing', 'framing']);
    expect(framingProblem(req(['Transfer-Encoding', 'chunked'], 0))?.why).toMatch(/HTTP\/1\.0/);
    expect(framingProblem(req(['Host', 'a', 'host', 'b']))?.reason).toBe('host');
  });
});

describe('originForm', () => {
  it('takes the path and authority of an absolute-form target', () => {
    expect(originForm('/a?b')).toEqual({ path: '/a?b' });
    expect(originForm('http://h:81/a/b?c=1')).toEqual({ path: '/a/b?c=1', authority: 'h:81' });
    expect(originForm('HTTPS://user@h')).toEqual({ path: '/', authority: 'h' });
    expect(originForm('http://h?q')).toEqual({ path: '/?q', authority: 'h' });
    expect(originForm('*')).toEqual({ path: '*' });
  });
});

describe('client errors and the marker header', () => {
  it('names the rejection node reported', () => {
    expect(clientErrorReason('HPE_HEADER_OVERFLOW')).toBe('headers_too_large');
    expect(clientErrorReason('ERR_HTTP_REQUEST_TIMEOUT')).toBe('timeout');
    expect(clientErrorReason('HPE_INVALID_CHUNK_SIZE')).toBe('malformed');
  });

  it("strips a client's marker in any case, copying only when it is there", () => {
    const raw = ['Host', 'x', 'X-Shadow-Request', '1', 'x-shadow-REQUEST', '0', 'A', 'b'];
    expect(withoutHeader(raw, 'x-shadow-request')).toEqual(['Host', 'x', 'A', 'b']);
    const clean = ['Host', 'x'];
    expect(withoutHeader(clean, 'x-shadow-request')).toBe(clean);
  });
});
