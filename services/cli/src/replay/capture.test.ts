import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, readCapture } from './capture.js';
import { outgoingHeaders, targetPath } from './send.js';
import { cli, ordersApi, startUpstream } from './upstreams.test-kit.js';

const entry = (method: string, url: string, extra: Record<string, unknown> = {}) => ({
  startedDateTime: '2026-12-07T10:00:00.000Z',
  time: 3,
  request: {
    method,
    url,
    headers: [
      { name: 'Accept', value: 'application/json' },
      { name: ':authority', value: 'shop.example' },
      { name: 'Connection', value: 'keep-alive' },
    ],
    ...extra,
  },
  response: { status: 200, headers: [], content: { size: 2, text: '{}' } },
});

describe('readCapture', () => {
  it('reads the requests of a HAR; a malformed entry is named by index and field, and skipped', () => {
    const har = {
      log: {
        entries: [
          entry('GET', 'https://shop.example/api/users/1?x=1'),
          { ...entry('GET', '/relative') },
          entry('post', 'https://shop.example/api/orders', {
            postData: { mimeType: 'application/octet-stream', text: 'AAEC', encoding: 'base64' },
          }),
        ],
      },
    };
    const capture = readCapture('/tmp/x/shop.har', Buffer.from(JSON.stringify(har)));
    expect(capture.format).toBe('har');
    expect(capture.malformed).toEqual([
      { where: 'entry 1', reason: 'request.url: expected an absolute URL' },
    ]);
    expect(capture.requests.map((r) => [r.where, r.method, r.url])).toEqual([
      ['entry 0', 'GET', '/api/users/1?x=1'],
      ['entry 2', 'POST', '/api/orders'],
    ]);
    // Pseudo-headers are not headers; a base64 body is decoded to its bytes.
    expect(capture.requests[0]!.headers).toEqual({
      accept: 'application/json',
      connection: 'keep-alive',
    });
    expect([...capture.requests[1]!.body]).toEqual([0, 1, 2]);
  });

  it('a document that is not a HAR at all is a usage error naming the file', () => {
    expect(() => readCapture('a.har', Buffer.from('{"entries": []}'))).toThrow(
      /^a\.har: log: Required — is this a HAR file\?/,
    );
  });

  it('takes the format from the extension, else from the first byte', () => {
    expect(detectFormat('a.gor', Buffer.from('{'))).toBe('goreplay');
    expect(detectFormat('a.har', Buffer.from('1 x'))).toBe('har');
    expect(detectFormat('capture', Buffer.from('  {"log": {}}'))).toBe('har');
    expect(detectFormat('capture', Buffer.from('1 a 1 0\nGET / HTTP/1.1'))).toBe('goreplay');
  });
});

describe('what a replayed request carries', () => {
  it('drops the recorded hop-by-hop headers and host; extra headers win; bodies get a length', () => {
    const headers = outgoingHeaders(
      {
        where: 'entry 0',
        method: 'POST',
        url: '/a',
        headers: {
          host: 'prod.example',
          connection: 'keep-alive',
          'content-length': '99',
          traceparent: '00-old',
          cookie: 'a=1',
          accept: '*/*',
        },
        body: Buffer.from('{}'),
      },
      { traceparent: '00-new' },
    );
    expect(headers).toEqual({
      cookie: 'a=1',
      accept: '*/*',
      traceparent: '00-new',
      'content-length': '2',
    });
  });

  it('keeps a base path of the target URL', () => {
    expect(targetPath(new URL('http://h:1'), '/a?b=1')).toBe('/a?b=1');
    expect(targetPath(new URL('http://h:1/v2/'), '/a')).toBe('/v2/a');
  });
});

describe('replay --origin (HAR)', () => {
  it("replays the first entry's origin by default, any with --origin any; a bad one is named", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shadowdiff-replay-origin-'));
    const har = join(dir, 'page.har');
    writeFileSync(
      har,
      JSON.stringify({
        log: {
          entries: [
            entry('GET', 'https://shop.example/api/users/1'),
            entry('GET', 'https://cdn.example/api/users/2'),
            entry('GET', 'https://shop.example/api/users/3'),
          ],
        },
      }),
    );
    const primary = await startUpstream(ordersApi('primary'));
    const shadow = await startUpstream(ordersApi('shadow'));
    try {
      const base = ['replay', '--from', har, '--primary', primary.url, '--shadow', shadow.url];
      const first = await cli([...base, '--min-pairs', '1']);
      expect(first.stdout).toContain('2 of 3 requests replayed from page.har; 1 skipped: sent to');
      expect(primary.seen.map((r) => r.url)).toEqual(['/api/users/1', '/api/users/3']);
      const cdn = await cli([...base, '--min-pairs', '1', '--origin', 'https://cdn.example/x']);
      expect(cdn.stdout).toContain('1 of 3 requests replayed');
      const any = await cli([...base, '--min-pairs', '1', '--origin', 'any']);
      expect(any.stdout).toContain('3 of 3 requests replayed');
      expect(any.code).toBe(0);
      const bad = await cli([...base, '--origin', 'shop']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(
        "--origin must be a URL such as https://shop.example, or 'any', got 'shop'",
      );
    } finally {
      await primary.close();
      await shadow.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
