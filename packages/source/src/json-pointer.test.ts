import { describe, expect, it } from 'vitest';
import { parseJsonPointer, replaceAtPointer } from './json-pointer.js';

describe('replaceAtPointer', () => {
  it('follows keys, indices, escapes and wildcards, and counts replacements', () => {
    const doc = { 'a/b': { '~k': 1 }, list: [{ s: 1 }, { s: 2 }, { t: 3 }], n: null };
    expect(replaceAtPointer(doc, parseJsonPointer('/a~1b/~0k'), () => 'X')).toBe(1);
    expect(doc['a/b']['~k']).toBe('X');
    expect(replaceAtPointer(doc, parseJsonPointer('/list/*/s'), (v) => `r${String(v)}`)).toBe(2);
    expect(doc.list).toEqual([{ s: 'r1' }, { s: 'r2' }, { t: 3 }]);
    expect(replaceAtPointer(doc, parseJsonPointer('/list/1'), () => 0)).toBe(1);
    expect(replaceAtPointer(doc, parseJsonPointer('/list/9'), () => 0)).toBe(0);
    expect(replaceAtPointer(doc, parseJsonPointer('/n/x'), () => 0)).toBe(0);
    expect(replaceAtPointer(doc, parseJsonPointer('/missing'), () => 0)).toBe(0);
    expect(replaceAtPointer(doc, [], () => 0)).toBe(0);
  });

  it('refuses a pointer that would redact nothing, naming the key', () => {
    expect(() => parseJsonPointer('$.user.password', 'tap.redact.jsonPaths[2]')).toThrow(
      /^tap\.redact\.jsonPaths\[2\]: "\$\.user\.password" is not a JSON pointer/,
    );
    expect(() => parseJsonPointer('')).toThrow(/whole document/);
  });
});
