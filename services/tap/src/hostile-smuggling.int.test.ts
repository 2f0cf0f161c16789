import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchRaw } from './test-harness.test-kit.js';
import { mirrorRig, normalClients, rawExchange } from './hostile.test-kit.js';
import type { Rig } from './hostile.test-kit.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
const head = (line: string, ...headers: string[]): string =>
  `${line}\r\nHost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;

/**
 * Each is a request two HTTP parsers could frame differently, with a second request hidden where
 * a parser that read the framing the other way would find it. Every one must be refused with 400
 * and the connection closed, before any upstream sees a byte of it.
 */
const ATTACKS: Record<string, string> = {
  'CL.TE (Content-Length and chunked)':
    head('POST /attack/cl-te HTTP/1.1', 'Content-Length: 6', 'Transfer-Encoding: chunked') +
    `0\r\n\r\n${SMUGGLED}`,
  'TE.CL (chunked and Content-Length)':
    head('POST /attack/te-cl HTTP/1.1', 'Transfer-Encoding: chunked', 'Content-Length: 4') +
    `${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
  'duplicate Content-Length, conflicting':
    head(
      'POST /attack/dup-cl HTTP/1.1',
      'Content-Length: 5',
      `Content-Length: ${5 + SMUGGLED.length}`,
    ) + `hello${SMUGGLED}`,
  'duplicate Content-Length, equal':
    head('POST /attack/dup-cl-equal HTTP/1.1', 'Content-Length: 5', 'Content-Length: 5') + 'hello',
  'Content-Length list': head('POST /attack/cl-list HTTP/1.1', 'Content-Length: 5, 5') + 'hello',
  'Content-Length with a sign':
    head('POST /attack/cl-sign HTTP/1.1', 'Content-Length: +5') + 'hello',
  'obs-fold in a header': head('GET /attack/obs-fold HTTP/1.1', 'X-A: a', ' folded'),
  'obs-fold in Transfer-Encoding':
    head('POST /attack/obs-fold-te HTTP/1.1', 'Transfer-Encoding: gzip,', ' chunked') + '0\r\n\r\n',
  'Transfer-Encoding gzip, chunked':
    head('POST /attack/te-gzip HTTP/1.1', 'Transfer-Encoding: gzip, chunked') +
    `0\r\n\r\n${SMUGGLED}`,
  'Transfer-Encoding identity + Content-Length':
    head('POST /attack/te-identity HTTP/1.1', 'Transfer-Encoding: identity', 'Content-Length: 5') +
    'hello',
  'Transfer-Encoding twice':
    head(
      'POST /attack/te-twice HTTP/1.1',
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: chunked',
    ) + '0\r\n\r\n',
  'space before the colon':
    head('POST /attack/te-space HTTP/1.1', 'Transfer-Encoding : chunked', 'Content-Length: 5') +
    'hello',
  'unknown coding xchunked':
    head('POST /attack/xchunked HTTP/1.1', 'Transfer-Encoding: xchunked') + '0\r\n\r\n',
  'chunked in HTTP/1.0':
    head('POST /attack/http10-te HTTP/1.0', 'Transfer-Encoding: chunked') + `0\r\n\r\n${SMUGGLED}`,
  'chunk size not hex':
    head('POST /attack/chunk-zz HTTP/1.1', 'Transfer-Encoding: chunked') +
    'zz\r\nhello\r\n0\r\n\r\n',
  'chunk size negative':
    head('POST /attack/chunk-neg HTTP/1.1', 'Transfer-Encoding: chunked') +
    '-5\r\nhello\r\n0\r\n\r\n',
  'chunk size overflowing 64 bits':
    head('POST /attack/chunk-huge HTTP/1.1', 'Transfer-Encoding: chunked') +
    `10000000000000005\r\nhello\r\n0\r\n\r\n${SMUGGLED}`,
  'chunk lines ended by bare LF':
    head('POST /attack/chunk-lf HTTP/1.1', 'Transfer-Encoding: chunked') + '5\nhello\n0\n\n',
  'head lines ended by bare LF': 'GET /attack/bare-lf HTTP/1.1\nHost: x\n\n',
  'two Host headers': head('GET /attack/two-hosts HTTP/1.1', 'Host: y'),
  'CR inside a header value': head('GET /attack/cr HTTP/1.1', 'X-A: a\rX-B: b'),
};

describe('tap under request smuggling attempts', () => {
  it('refuses every ambiguous framing with 400 and a closed connection; no upstream sees it, normal clients are unaffected', async () => {
    rig = await mirrorRig({
      mirror: { writeRoutes: ['POST /attack/**', 'POST /w'] },
    });
    const normal = normalClients(rig);
    const observed: string[] = [];
    for (const [name, payload] of Object.entries(ATTACKS)) {
      const got = await rawExchange(rig.port, payload);
      observed.push(
        `${name.padEnd(44)} -> ${got.statuses.join(',') || 'nothing'}, ${got.closedByTap ? 'closed by the tap' : 'left open'}`,
      );
      expect(got.statuses, name).toEqual([400]);
      expect(got.closedByTap, name).toBe(true);
    }
    // A request refused for its framing: what follows it on the connection is never read either.
    const piped = await rawExchange(
      rig.port,
      head('POST /attack/pipelined HTTP/1.1', 'Transfer-Encoding: gzip, chunked') +
        `0\r\n\r\n${SMUGGLED}${SMUGGLED}`,
      2,
    );
    observed.push(`refused, then two pipelined GETs             -> ${piped.statuses.join(',')}`);
    expect(piped.statuses).toEqual([400]);

    // A request hidden in a body that is framed unambiguously is that body, nothing more.
    const body = `${SMUGGLED}${SMUGGLED}`;
    const inBody = await rawExchange(
      rig.port,
      head('POST /w HTTP/1.1', `Content-Length: ${body.length}`, 'Connection: close') + body,
    );
    expect(inBody.statuses).toEqual([200]);

    const { requests, mismatches } = await normal.stop();
    await rig.settled();
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const upstreamSaw = (seen: Rig['primary']['seen']) =>
      seen.filter(
        (s) =>
          !s.url.includes('normal=') &&
          s.url !== '/fixed' &&
          s.url !== '/chunked' &&
          s.url !== '/big',
      );
    const primaryOther = upstreamSaw(rig.primary.seen);
    const shadowOther = upstreamSaw(rig.shadow.seen);
    const rejected = await rig.metrics.attributes('shadow.tap.rejected');
    const byReason: Record<string, number> = {};
    for (const reason of ['framing', 'host', 'malformed'])
      byReason[reason] = await rig.metrics.value('shadow.tap.rejected', { reason });
    console.log(
      [
        'smuggling attempts (each on its own connection, while normal clients ran):',
        ...observed.map((o) => `  ${o}`),
        `  normal clients: ${requests} requests, ${mismatches.length} differing from the primary's direct answer`,
        `  primary saw besides normal traffic: ${JSON.stringify(primaryOther.map((s) => `${s.method} ${s.url} ${s.bytes}B`))}`,
        `  shadow saw: ${rig.shadow.seen.length} requests, ${rig.shadow.seen.filter((s) => s.url.includes('normal=')).length} of them normal mirrors; others ${JSON.stringify(shadowOther.map((s) => `${s.method} ${s.url} ${s.bytes}B`))}`,
        `  shadow.tap.rejected: ${JSON.stringify(byReason)} (${rejected.length} series)`,
      ].join('\n'),
    );
    expect(mismatches).toEqual([]);
    expect(requests).toBeGreaterThan(0);
    // Only the one body-framed request, once, with its body intact, on each side.
    expect(primaryOther.map((s) => [s.method, s.url, s.complete, s.sha256])).toEqual([
      ['POST', '/w', true, bodyHash],
    ]);
    expect(shadowOther.map((s) => [s.method, s.url, s.complete, s.sha256])).toEqual([
      ['POST', '/w', true, bodyHash],
    ]);
    expect(rig.shadow.seen.filter((s) => s.url.includes('normal=')).length).toBe(requests);
    expect(byReason.framing! + byReason.host! + byReason.malformed!).toBe(
      Object.keys(ATTACKS).length + 1,
    );
    expect(byReason.host).toBe(1);
    // Still up.
    expect((await fetchRaw(`${rig.tap.url}/fixed`)).status).toBe(200);
    expect((await fetchRaw(`${rig.tap.adminUrl}/healthz`)).status).toBe(200);
  });
});
