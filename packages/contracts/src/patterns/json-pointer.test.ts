import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { ANY, compileJsonPointer, jsonPointerProblem, splitPointer } from './json-pointer.js';

describe('compileJsonPointer', () => {
  it('compiles RFC 6901 pointers, `*` as any key or index', () => {
    expect(compileJsonPointer('/items/*/token', 'k')).toEqual(['items', ANY, 'token']);
    expect(compileJsonPointer('/a~1b/~0k', 'k')).toEqual(['a/b', '~k']);
    expect(compileJsonPointer('', 'k')).toEqual([]);
    expect(splitPointer('/a//b')).toEqual(['a', '', 'b']);
  });

  it('names the key and says what the pointer should have been', () => {
    expect(() => compileJsonPointer('password', 'tap.redact.jsonPaths[0]')).toThrow(
      /^tap\.redact\.jsonPaths\[0\]: "password" is not a JSON pointer: it must start with "\/" — write "\/password"/,
    );
    expect(() => compileJsonPointer('x', 'k')).toThrow(ConfigError);
    expect(jsonPointerProblem('$.user.card.number')).toMatch(/write "\/user\/card\/number"/);
    expect(jsonPointerProblem('$.items[*].token')).toMatch(/write "\/items\/\*\/token"/);
    expect(jsonPointerProblem('items/0')).toMatch(/e\.g\. \/items\/\*\/id/);
  });

  it('refuses what would silently match nothing', () => {
    expect(jsonPointerProblem('/a/~2')).toMatch(/"~0"/);
    expect(jsonPointerProblem('/user/')).toMatch(/ends with "\/"/);
    expect(jsonPointerProblem('/**/password')).toMatch(/"\*\*" is not a JSON pointer segment/);
    expect(jsonPointerProblem('', { root: false })).toMatch(/whole document/);
    expect(jsonPointerProblem('/a//b')).toBeUndefined();
    expect(jsonPointerProblem('/pass*')).toBeUndefined();
  });

  it('a path from a document (strict: false) only needs its leading "/"', () => {
    expect(compileJsonPointer('/**/~x/', 'learned', { strict: false })).toEqual(['**', '~x', '']);
    expect(() => compileJsonPointer('x', 'learned', { strict: false })).toThrow(ConfigError);
  });
});
