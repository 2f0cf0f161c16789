import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody } from './decode-body.js';
import { compilePointer } from './json-pointer.js';
import { jsonDeeperThan, MAX_JSON_CHARS, MAX_JSON_DEPTH, normalizeBody } from './normalize-body.js';

const body = (bytes: Buffer | string, contentType?: string) =>
  normalizeBody(
    decodeBody(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, undefined, contentType),
  );

describe('normalizeBody', () => {
  it('parses JSON when the content type says so, even for a scalar document', () => {
    expect(body('42', 'application/json')).toEqual({ kind: 'json', value: 42 });
    expect(body('{"a":1}', 'application/vnd.api+json')).toEqual({ kind: 'json', value: { a: 1 } });
  });

  it('parses JSON when the bytes say so', () => {
    expect(body('  \n{"a":[1]}', 'text/plain')).toEqual({ kind: 'json', value: { a: [1] } });
    expect(body('\ufeff[1,2]')).toEqual({ kind: 'json', value: [1, 2] });
  });

  it('falls back to text for invalid JSON, folding CRLF', () => {
    expect(body('{not json', 'application/json')).toEqual({ kind: 'text', text: '{not json' });
    expect(body('a\r\nb', 'text/plain')).toEqual({ kind: 'text', text: 'a\nb' });
    expect(body('<html></html>')).toEqual({ kind: 'text', text: '<html></html>' });
  });

  it('decodes the declared charset', () => {
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in ISO-8859-1
    expect(body(latin1, 'text/plain; charset=iso-8859-1')).toEqual({ kind: 'text', text: 'café' });
    const sjis = Buffer.from([0x82, 0xa0]); // "あ" in Shift_JIS
    expect(body(sjis, 'text/plain; charset=shift_jis')).toEqual({ kind: 'text', text: 'あ' });
  });

  it('hashes binary bodies', () => {
    const png = body(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), 'image/png');
    expect(png.kind).toBe('binary');
    const sniffed = body(Buffer.from([0xff, 0xfe, 0, 0, 0x80]));
    expect(sniffed).toMatchObject({ kind: 'binary', size: 5 });
    expect(body(Buffer.from([1, 2, 3]), 'application/octet-stream')).toEqual({
      kind: 'binary',
      size: 3,
      hash: '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81',
    });
  });

  it('treats an undecodable body as binary', () => {
    const d = decodeBody(Buffer.from('{"a":1}'), 'zstd', 'application/json');
    expect(normalizeBody(d).kind).toBe('binary');
  });

  it('is idempotent: normalizing a normalized body changes nothing (property)', () => {
    const rule = {
      arrays: [
        { pointer: compilePointer('/*', 't'), mode: { kind: 'set' as const }, skip: [] },
        { pointer: compilePointer('/a', 't'), mode: { kind: 'key' as const, key: 'id' }, skip: [] },
      ],
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.string(),
          fc.uint8Array().map((u) => Buffer.from(u).toString('latin1')),
        ),
        (text) => {
          const once = normalizeBody(decodeBody(Buffer.from(text), undefined, undefined), rule);
          const bytes =
            once.kind === 'json'
              ? JSON.stringify(once.value)
              : once.kind === 'text'
                ? once.text
                : text;
          const twice = normalizeBody(decodeBody(Buffer.from(bytes), undefined, undefined), rule);
          expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
        },
      ),
    );
  });

  it('compares JSON past the depth or size limit as text, saying why', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    const d = body(deep, 'application/json');
    expect(d).toMatchObject({ kind: 'text', text: deep });
    expect(d.kind === 'text' && d.jsonLimit).toMatch(/deeper than 256/);
    const atLimit = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(body(atLimit, 'application/json').kind).toBe('json');
    const hundredK = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(body(hundredK, 'application/json')).toMatchObject({ kind: 'text' });
    const big = `{"a":"${'x'.repeat(MAX_JSON_CHARS)}"}`;
    const b = body(big, 'application/json');
    expect(b.kind === 'text' && b.jsonLimit).toMatch(/characters/);
  });
});

/** Depth of a parsed value: scalars 0, `[]` 1, `[[]]` 2. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce((m: number, c) => Math.max(m, depthOf(c)), 0);
}

describe('jsonDeeperThan', () => {
  it('agrees with the depth of the parsed document (brackets inside strings do not count)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 8 }), (v, max) => {
        const text = JSON.stringify(v);
        const padded = text + ' '.repeat(2 * max + 1); // past the short-text shortcut
        expect(jsonDeeperThan(padded, max)).toBe(depthOf(v) > max);
      }),
    );
  });
});
