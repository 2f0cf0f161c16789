import { describe, expect, it } from 'vitest';
import { normalizePath, pathOf } from './route-pattern.js';

describe('pathOf', () => {
  it('drops the query', () => {
    expect(pathOf('/a/b?x=1')).toBe('/a/b');
    expect(pathOf('/a')).toBe('/a');
  });
});

describe('normalizePath', () => {
  it('reads a path the way the service will route it', () => {
    expect(normalizePath('/api/admin/x')).toBe('/api/admin/x');
    expect(normalizePath('/api/./admin/x')).toBe('/api/admin/x');
    expect(normalizePath('/api/%61dmin/x')).toBe('/api/admin/x');
    expect(normalizePath('/api/%2E/admin')).toBe('/api/admin');
    expect(normalizePath('/api/v1/../admin/')).toBe('/api/admin/');
    expect(normalizePath('//api///admin')).toBe('/api/admin');
    expect(normalizePath('/../../etc')).toBe('/etc');
    expect(normalizePath('/a/..')).toBe('/');
    // Reserved escapes keep their meaning; targets that are not paths are left alone.
    expect(normalizePath('/files/a%2Fb')).toBe('/files/a%2Fb');
    expect(normalizePath('/q/%20x')).toBe('/q/%20x');
    expect(normalizePath('*')).toBe('*');
  });
});
