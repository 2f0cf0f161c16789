import { describe, expect, it } from 'vitest';
import { GOREPLAY_FILE_SEPARATOR, readGoReplayFile } from './capture-file.js';

const request = 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n';
const response = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

describe('readGoReplayFile (gor --output-file)', () => {
  it('splits payloads on the separator line, each with its index and starting line', () => {
    const file = [
      `1 id1 1439818823587396305 0\n${request}`,
      `2 id1 1439818823587996305 2782013\n${response}`,
      `3 id1 1439818823589996305 1000000\n${response}`,
    ].join(GOREPLAY_FILE_SEPARATOR);
    const blocks = readGoReplayFile(Buffer.from(file + GOREPLAY_FILE_SEPARATOR));
    expect(blocks.map((b) => [b.index, b.line, b.decoded.ok && b.decoded.value.type])).toEqual([
      [0, 1, 1],
      // Header and 3 request lines; the separator ends a 5th (blank after the CRLF CRLF) and is the 6th.
      [1, 7, 2],
      // Header, 3 head lines and the body `ok`, which the separator's newline ends.
      [2, 13, 3],
    ]);
    const first = blocks[0]!.decoded;
    expect(first.ok && Buffer.from(first.value.http).toString()).toBe(request);
    const second = blocks[1]!.decoded;
    expect(second.ok && second.value.latencyMs).toBeCloseTo(2.782013, 6);
  });

  it('gives a bad payload its reason and goes on; blank stretches are not payloads', () => {
    const file = [`1 id1 soon 0\n${request}`, '\n', `1 id2 1439818823587396305 0\n${request}`].join(
      GOREPLAY_FILE_SEPARATOR,
    );
    const blocks = readGoReplayFile(Buffer.from(file));
    expect(blocks).toHaveLength(2);
    expect(blocks[0]!.decoded).toEqual({ ok: false, reason: 'bad timestamp "soon"' });
    expect(blocks[1]!.decoded.ok).toBe(true);
    expect(blocks[1]!.index).toBe(1);
  });

  it('an empty file has no payloads', () => {
    expect(readGoReplayFile(Buffer.alloc(0))).toEqual([]);
  });
});
