import { gzipSync } from 'node:zlib';
import type { CapturedResponse, Role, TapRecord } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { MAX_DECODED_BYTES } from '../normalize/decode-body.js';
import { MAX_JSON_DEPTH } from '../normalize/normalize-body.js';
import { compileRules } from '../route/compile-rules.js';
import { JSON_LIMIT_PATH } from './compare-responses.js';
import { judge } from './judge.js';

const rules = compileRules({});

function record(role: Role, body: Buffer, headers: Record<string, string> = {}): TapRecord {
  return {
    v: 1,
    traceId: 't-hostile',
    role,
    service: 'shop',
    tapId: 'tap',
    capturedAt: 0,
    durationMs: 1,
    request: {
      method: 'GET',
      url: '/x',
      headers: {},
      body: Buffer.alloc(0),
      bodySize: 0,
      bodyTruncated: false,
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json', ...headers },
      body,
      bodySize: body.length,
      bodyTruncated: false,
    } satisfies CapturedResponse,
  };
}

function pair(primary: Buffer, shadow: Buffer, headers: Record<string, string> = {}) {
  return judge(
    {
      traceId: 't-hostile',
      service: 'shop',
      records: {
        primary: record('primary', primary, headers),
        shadow: record('shadow', shadow, headers),
      },
      expected: ['primary', 'shadow'],
    },
    { rules, now: 0 },
  );
}

const nested = (depth: number, leaf: string) => '['.repeat(depth) + leaf + ']'.repeat(depth);

describe('judge with hostile bodies', () => {
  it('compares 100 000-deep JSON as text, with a (json-limit) entry, instead of overflowing', () => {
    const v = pair(Buffer.from(nested(100_000, '1')), Buffer.from(nested(100_000, '2')));
    expect(v.outcome).toBe('diff');
    expect(v.diffs).toMatchObject([{ kind: 'body', path: '', op: 'replace' }]);
    expect(v.suppressed).toEqual([{ kind: 'body', path: JSON_LIMIT_PATH, reason: 'rule' }]);
    // Just inside the limit the fields are still compared.
    const ok = pair(
      Buffer.from(nested(MAX_JSON_DEPTH - 1, '1')),
      Buffer.from(nested(MAX_JSON_DEPTH - 1, '2')),
    );
    expect(ok.suppressed).toEqual([]);
    expect(ok.diffs[0]?.path).toMatch(/^\/\*\/\*/);
  });

  it('compares a 200 000-key object field by field when under the size limit', () => {
    const doc = (x: number) =>
      Buffer.from(
        JSON.stringify(
          Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i === 7 ? x : i])),
        ),
      );
    const v = pair(doc(1), doc(2));
    expect(v.diffs).toMatchObject([{ kind: 'body', path: '/k7', op: 'replace' }]);
    // Two 2 MB documents parsed and walked: about a second on a busy core, not a timing bound.
  }, 60_000);

  it('treats a gzip bomb and a body that only claims gzip as undecodable bytes', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_DECODED_BYTES + 1024, 0x20));
    const v = pair(bomb, Buffer.from('{"a":1}'), { 'content-encoding': 'gzip' });
    expect(v.outcome).toBe('diff');
    expect(v.diffs[0]).toMatchObject({ kind: 'body', op: 'replace' });
    const fake = pair(Buffer.from('{"a":1}'), Buffer.from('{"a":2}'), {
      'content-encoding': 'gzip',
    });
    expect(fake.diffs[0]?.primary).toMatch(/^binary sha256:/);
  });

  it('compares invalid UTF-8 without throwing', () => {
    const v = pair(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), Buffer.from([0x7b, 0xc3, 0x28, 0x7d]));
    expect(['diff', 'match']).toContain(v.outcome);
  });
});
