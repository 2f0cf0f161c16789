import { describe, expect, it } from 'vitest';
import { isJsonMediaType, isTextMediaType, parseMediaType } from './media-type.js';

describe('parseMediaType', () => {
  it('keeps the essence and folds charset case and aliases', () => {
    expect(parseMediaType('Application/JSON; Charset="UTF8"')).toEqual({
      essence: 'application/json',
      charset: 'utf-8',
    });
    expect(parseMediaType('text/html;charset=ISO-8859-1')).toEqual({
      essence: 'text/html',
      charset: 'latin1',
    });
    expect(parseMediaType('multipart/form-data; boundary=abc')).toEqual({
      essence: 'multipart/form-data',
      charset: undefined,
    });
    expect(parseMediaType(undefined)).toEqual({ essence: '', charset: undefined });
  });

  it('knows JSON and text families', () => {
    expect(isJsonMediaType('application/problem+json')).toBe(true);
    expect(isJsonMediaType('text/html')).toBe(false);
    expect(isTextMediaType('application/xml')).toBe(true);
    expect(isTextMediaType('image/png')).toBe(false);
  });
});
