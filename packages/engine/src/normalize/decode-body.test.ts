import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, MAX_CODINGS, MAX_DECODED_BYTES } from './decode-body.js';

const text = Buffer.from('{"hello":"wörld"}', 'utf8');

describe('decodeBody', () => {
  it('passes unencoded bytes through without copying', () => {
    const d = decodeBody(text, undefined, 'application/json; charset=UTF-8');
    expect(d.bytes.equals(text)).toBe(true);
    expect(d.bytes.buffer).toBe(text.buffer);
    expect(d.mediaType).toEqual({ essence: 'application/json', charset: 'utf-8' });
    expect(d.error).toBeUndefined();
  });

  it.each([
    ['gzip', gzipSync(text)],
    ['x-gzip', gzipSync(text)],
    ['br', brotliCompressSync(text)],
    ['deflate', deflateSync(text)],
    ['deflate', deflateRawSync(text)],
    ['GZIP', gzipSync(text)],
    ['identity', text],
  ])('decodes %s', (encoding, bytes) => {
    const d = decodeBody(bytes, encoding, undefined);
    expect(d.error).toBeUndefined();
    expect(d.bytes.equals(text)).toBe(true);
  });

  it('undoes stacked codings right to left', () => {
    const d = decodeBody(brotliCompressSync(gzipSync(text)), 'gzip, br', undefined);
    expect(d.bytes.equals(text)).toBe(true);
  });

  it('reports an unknown coding or a corrupt stream as a value, with the raw bytes', () => {
    const unknown = decodeBody(text, 'zstd', undefined);
    expect(unknown.error).toMatch(/unsupported content-encoding "zstd"/);
    expect(unknown.bytes.equals(text)).toBe(true);
    const corrupt = decodeBody(Buffer.from('not gzip'), 'gzip', undefined);
    expect(corrupt.error).toBeDefined();
  });

  it('accepts a plain Uint8Array view', () => {
    const backing = new Uint8Array([0, ...gzipSync(text), 0]);
    const view = backing.subarray(1, backing.length - 1);
    expect(decodeBody(view, 'gzip', undefined).bytes.equals(text)).toBe(true);
  });

  it('stops a gzip bomb at the output cap, as a value', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_DECODED_BYTES * 2));
    expect(bomb.byteLength).toBeLessThan(100_000);
    const d = decodeBody(bomb, 'gzip', 'application/json');
    expect(d.error).toBeDefined();
    expect(d.bytes).toBe(bomb);
  });

  it('undoes at most MAX_CODINGS stacked codings', () => {
    let nested = text;
    for (let i = 0; i <= MAX_CODINGS; i++) nested = gzipSync(nested);
    const list = Array.from({ length: MAX_CODINGS + 1 }, () => 'gzip').join(', ');
    expect(decodeBody(nested, list, undefined).error).toMatch(/content-codings/);
    let four = text;
    for (let i = 0; i < MAX_CODINGS; i++) four = gzipSync(four);
    const ok = decodeBody(four, list.split(', ').slice(1).join(', '), undefined);
    expect(ok.bytes.equals(text)).toBe(true);
  });
});
