import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, UPSTREAM_ERROR_KINDS } from '../roles.js';
import { tapRecordHeaderSchema } from '../tap-record.js';
import { isTapRecordHeader } from './tap-record-fast-check.js';

const text = (min: number, max: number) => fc.string({ minLength: min, maxLength: max });
// `__proto__` is the one valid key the fast path declines on purpose (zod then decides), so the
// "accepts every valid header" property is stated over the other keys.
const headers = fc.dictionary(
  fc.string({ maxLength: 10 }).filter((key) => key !== '__proto__'),
  fc.string({ maxLength: 10 }),
  { maxKeys: 4 },
);
const side = {
  headers,
  bodyLength: fc.nat(),
  bodySize: fc.nat(),
  bodyTruncated: fc.boolean(),
};

/** Valid headers, built field by field from the schema's rules (edges included). */
const validHeader = fc
  .record(
    {
      v: fc.constant(1),
      traceId: text(1, 256),
      role: fc.constantFrom(...ROLES),
      service: text(1, 256),
      tapId: text(1, 256),
      capturedAt: fc.double({ min: 0, max: 1e15, noNaN: true }),
      durationMs: fc.double({ min: 0, max: 1e9, noNaN: true }),
      request: fc.record(
        { method: text(1, 32), url: text(0, 60), ...side, contentEncoding: text(0, 8) },
        { requiredKeys: ['method', 'url', 'headers', 'bodyLength', 'bodySize', 'bodyTruncated'] },
      ),
      response: fc.record(
        { status: fc.integer({ min: 100, max: 999 }), ...side, contentEncoding: text(0, 8) },
        { requiredKeys: ['status', 'headers', 'bodyLength', 'bodySize', 'bodyTruncated'] },
      ),
      error: fc.record({ kind: fc.constantFrom(...UPSTREAM_ERROR_KINDS), message: text(0, 20) }),
      meta: headers,
    },
    {
      requiredKeys: [
        'v',
        'traceId',
        'role',
        'service',
        'tapId',
        'capturedAt',
        'durationMs',
        'request',
      ],
    },
  )
  .filter((h) => 'response' in h || 'error' in h)
  // What the decoder sees went through JSON.
  .map((h) => JSON.parse(JSON.stringify(h)) as Record<string, unknown>);

/** Replaces the value at a random path (or adds an unknown key, or deletes one) with junk. */
function mutate(header: Record<string, unknown>, path: string[], value: unknown, remove: boolean) {
  const copy = JSON.parse(JSON.stringify(header)) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null) break;
    at = next as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (remove) delete at[last];
  else at[last] = value;
  return copy;
}

const paths = fc.constantFrom(
  ...[
    'v',
    'traceId',
    'role',
    'service',
    'tapId',
    'capturedAt',
    'durationMs',
    'request',
    'response',
    'error',
    'meta',
    'extra',
    'request.method',
    'request.url',
    'request.headers',
    'request.headers.x',
    'request.bodyLength',
    'request.bodySize',
    'request.bodyTruncated',
    'request.contentEncoding',
    'request.extra',
    'response.status',
    'response.headers',
    'response.bodyLength',
    'response.extra',
    'error.kind',
    'error.message',
    'error.extra',
    'meta.k',
  ].map((p) => p.split('.')),
);
const junk = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(0, -1, 1.5, 99, 1000, '', 'x'.repeat(300), null, [], {}, 1e308 * 10),
);

describe('isTapRecordHeader, the zod-free fast path', () => {
  it('accepts every valid header, giving the same value zod would', () => {
    fc.assert(
      fc.property(validHeader, (header) => {
        expect(isTapRecordHeader(header)).toBe(true);
        const parsed = tapRecordHeaderSchema.safeParse(header);
        expect(parsed.success).toBe(true);
        if (parsed.success) expect(header).toEqual(parsed.data);
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts a header zod rejects (mutations at every field)', () => {
    fc.assert(
      fc.property(validHeader, paths, junk, fc.boolean(), (header, path, value, remove) => {
        const mutated = mutate(header, path, value, remove);
        if (isTapRecordHeader(mutated)) {
          const parsed = tapRecordHeaderSchema.safeParse(mutated);
          expect(parsed.success).toBe(true);
          if (parsed.success) expect(mutated).toEqual(parsed.data);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects the obvious cases without zod', () => {
    expect(isTapRecordHeader(null)).toBe(false);
    expect(isTapRecordHeader([])).toBe(false);
    expect(isTapRecordHeader({ v: 1 })).toBe(false);
  });
});
