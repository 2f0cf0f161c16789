import { describe, expect, it } from 'vitest';
import { compilePathPattern, compileRoutePattern, normalizePath, pathOf } from './route-pattern.js';

describe('compilePathPattern', () => {
  it('matches {param} and * within one segment, ** across segments', () => {
    const one = compilePathPattern('/orders/{id}');
    expect(one('/orders/42')).toBe(true);
    expect(one('/orders/42/items')).toBe(false);
    expect(one('/orders/')).toBe(false);
    const star = compilePathPattern('/static/*.js');
    expect(star('/static/app.js')).toBe(true);
    expect(star('/static/a/b.js')).toBe(false);
    const deep = compilePathPattern('/admin/**');
    expect(deep('/admin/users/1')).toBe(true);
    expect(deep('/administrator')).toBe(false);
  });

  it('treats regex characters literally', () => {
    const m = compilePathPattern('/a.b/(c)+');
    expect(m('/a.b/(c)+')).toBe(true);
    expect(m('/aXb/cc')).toBe(false);
  });
});

describe('compileRoutePattern', () => {
  it('reads an optional method', () => {
    expect(compileRoutePattern('post /orders/{id}').method).toBe('POST');
    expect(compileRoutePattern('/orders/*').method).toBeUndefined();
  });
});

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
