import { describe, expect, it } from 'vitest';
import { compilePathPattern, compileRoutePattern, pathOf } from './route-pattern.js';

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
