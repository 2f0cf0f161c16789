import { describe, expect, it } from 'vitest';
import { LabelLimiter, OTHER } from './label-limiter.js';

describe('LabelLimiter', () => {
  it('keeps the first routes and folds the rest into other', () => {
    const limiter = new LabelLimiter({ maxRoutes: 2 });
    expect(limiter.route('GET /a')).toBe('GET /a');
    expect(limiter.route('GET /b')).toBe('GET /b');
    expect(limiter.route('GET /c')).toBe(OTHER);
    expect(limiter.route('GET /a')).toBe('GET /a');
  });

  it('caps paths per route, separately for each route and kind', () => {
    const limiter = new LabelLimiter({ pathsPerRoute: 2 });
    const a = limiter.route('GET /a');
    expect(limiter.path(a, 'body', '/x')).toBe('/x');
    expect(limiter.path(a, 'header', '/x')).toBe('/x');
    expect(limiter.path(a, 'body', '/y')).toBe(OTHER);
    expect(limiter.path(a, 'body', '/x')).toBe('/x');
    const b = limiter.route('GET /b');
    expect(limiter.path(b, 'body', '/y')).toBe('/y');
  });

  it('gives other for every path of a route past the route cap', () => {
    const limiter = new LabelLimiter({ maxRoutes: 1 });
    limiter.route('GET /a');
    expect(limiter.path('GET /z', 'body', '/x')).toBe(OTHER);
  });
});
