import { describe, expect, it } from 'vitest';
import { harDocument, harEntry } from './har-fixtures.test-kit.js';
import { HarFormatError, parseHar, parseHarEntries } from './har-format.js';

function errorOf(fn: () => unknown): HarFormatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HarFormatError);
    return error as HarFormatError;
  }
  throw new Error('expected a HarFormatError');
}

describe('parseHar', () => {
  it('reads the entries of a HAR 1.2 document, extra fields allowed', () => {
    const entries = parseHar(
      harDocument([
        harEntry({ url: 'https://a/x' }),
        { ...harEntry({ url: 'https://a/y' }), _priority: 'High' },
      ]),
      'a.har',
    );
    expect(entries.map((e) => e.request.url)).toEqual(['https://a/x', 'https://a/y']);
  });

  it('names the file when it is not JSON', () => {
    expect(errorOf(() => parseHar('{"log": ', 'a.har')).message).toMatch(/^a\.har: not valid JSON/);
  });

  it('says what is missing when the document has no log.entries', () => {
    const e = errorOf(() => parseHar('{"entries": []}', 'a.har'));
    expect(e.message).toMatch(/^a\.har: log: Required — is this a HAR file\?/);
  });

  it('names the entry index and the field of a malformed entry', () => {
    const bad = harEntry({ url: 'https://a/z' }) as { response: Record<string, unknown> };
    bad.response.status = '200';
    const e = errorOf(() =>
      parseHar(
        harDocument([harEntry({ url: 'https://a/x' }), harEntry({ url: 'https://a/y' }), bad]),
        'b.har',
      ),
    );
    expect(e.entryIndex).toBe(2);
    expect(e.field).toBe('response.status');
    expect(e.message).toBe(
      'b.har: entry 2, field response.status: Expected number, received string',
    );
    expect(e.code).toBe('ERR_USAGE');
  });

  it('rejects a relative URL, an unparseable date and missing headers by field', () => {
    expect(
      errorOf(() => parseHar(harDocument([harEntry({ url: '/relative' })]), 'c.har')).message,
    ).toBe('c.har: entry 0, field request.url: expected an absolute URL');
    expect(
      errorOf(() =>
        parseHar(harDocument([harEntry({ url: 'https://a/', started: 'yesterday' })]), 'c.har'),
      ).field,
    ).toBe('startedDateTime');
    const noHeaders = harEntry({ url: 'https://a/' }) as { request: Record<string, unknown> };
    delete noHeaders.request.headers;
    expect(errorOf(() => parseHar(harDocument([noHeaders]), 'c.har')).message).toBe(
      'c.har: entry 0, field request.headers: Required',
    );
  });

  it('parseHarEntries keeps the good entries and names each bad one, for callers that skip', () => {
    const bad = harEntry({ url: '/relative' });
    const noMethod = harEntry({ url: 'https://a/q' }) as { request: Record<string, unknown> };
    delete noMethod.request.method;
    const { entries, malformed } = parseHarEntries(
      harDocument([
        harEntry({ url: 'https://a/x' }),
        bad,
        harEntry({ url: 'https://a/y' }),
        noMethod,
      ]),
      'd.har',
    );
    expect(entries.map((e) => [e.index, e.entry.request.url])).toEqual([
      [0, 'https://a/x'],
      [2, 'https://a/y'],
    ]);
    expect(malformed).toEqual([
      { index: 1, field: 'request.url', reason: 'expected an absolute URL' },
      { index: 3, field: 'request.method', reason: 'Required' },
    ]);
    // The document itself must still be a HAR.
    expect(errorOf(() => parseHarEntries('[]', 'd.har')).message).toMatch(
      /^d\.har: .*log\.entries/,
    );
  });
});
