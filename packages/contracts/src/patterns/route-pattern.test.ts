import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { compileRoutePattern, isPatternProblem, tryCompileRoutePattern } from './route-pattern.js';

const matches = (pattern: string, path: string) =>
  compileRoutePattern(pattern, 'k').matchesPath(path);

describe('the route-pattern language', () => {
  it('`{name}` and `*` match exactly one segment', () => {
    expect(matches('/orders/{id}', '/orders/7')).toBe(true);
    expect(matches('/orders/{id}', '/orders/7/lines')).toBe(false);
    expect(matches('/orders/{id}', '/orders')).toBe(false);
    expect(matches('/static/*', '/static/a.js')).toBe(true);
    expect(matches('/static/*', '/static/js/a.js')).toBe(false);
    expect(matches('/a/*/c', '/a/b/c')).toBe(true);
  });

  it('`*` and `{name}` inside a segment match part of one', () => {
    expect(matches('/static/*.js', '/static/main.js')).toBe(true);
    expect(matches('/static/*.js', '/static/main.css')).toBe(false);
    expect(matches('/static/*.js', '/static/js/main.js')).toBe(false);
    expect(matches('/files/{id}.json', '/files/9.json')).toBe(true);
    expect(matches('/files/{id}.json', '/files/.json')).toBe(false);
  });

  it('`**` matches zero or more segments, anywhere', () => {
    expect(matches('/admin/**', '/admin')).toBe(true);
    expect(matches('/admin/**', '/admin/users/7')).toBe(true);
    expect(matches('/admin/**', '/administrator')).toBe(false);
    expect(matches('/**/health', '/health')).toBe(true);
    expect(matches('/**/health', '/v1/pods/health')).toBe(true);
    expect(matches('/**/health', '/v1/health/x')).toBe(false);
    expect(matches('/**', '/')).toBe(true);
  });

  it('matches segment by segment: empty segments do not count, the rest is literal', () => {
    expect(matches('/orders/{id}', '//orders/7/')).toBe(true);
    expect(matches('/a.b/(c)+', '/a.b/(c)+')).toBe(true);
    expect(matches('/a.b/(c)+', '/aXb/cc')).toBe(false);
    expect(matches('/', '/')).toBe(true);
    expect(matches('/', '/x')).toBe(false);
  });

  it('reads an optional method; `*` or none is any method', () => {
    const post = compileRoutePattern('post /orders/{id}', 'k');
    expect(post.method).toBe('POST');
    expect(post.matches('POST', ['orders', '1'])).toBe(true);
    expect(post.matches('GET', ['orders', '1'])).toBe(false);
    expect(compileRoutePattern('* /x', 'k').method).toBeUndefined();
    expect(compileRoutePattern('/x//y/', 'k').path).toBe('/x/y');
  });

  it.each([
    ['orders/{id}', /must be "\[METHOD \]\/path"/],
    ['G3T /x', /invalid method "G3T"/],
    ['/static/**.js', /"\*\*" must be a whole segment/],
    ['/a**', /"\*\*" must be a whole segment/],
    ['/orders/{id', /"\{" needs a name and a closing "\}"/],
    ['/orders/{}', /"\{" needs a name/],
    ['/orders/id}', /"\}" without "\{"/],
    ['/search?q=1', /matches the path only/],
    ['', /must be/],
  ])('refuses %j, saying why', (text, why) => {
    const compiled = tryCompileRoutePattern(text);
    expect(isPatternProblem(compiled) && compiled.message).toMatch(why);
  });

  it('a path-only pattern takes no method', () => {
    expect(() =>
      compileRoutePattern('GET /x', 'tap.mirror.exclude[0]', { allowMethod: false }),
    ).toThrow(/^tap\.mirror\.exclude\[0\]: "GET \/x": a path pattern takes no method/);
    expect(() => compileRoutePattern('x', 'k')).toThrow(ConfigError);
  });

  it('a pattern of literal segments matches exactly its own path (property)', () => {
    const segment = fc.stringMatching(/^[a-z0-9._-]{1,8}$/);
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 6 }),
        fc.array(segment, { maxLength: 6 }),
        (a, b) => {
          const pattern = compileRoutePattern(`/${a.join('/')}`, 'k');
          expect(pattern.matchesSegments(b)).toBe(a.join('/') === b.join('/'));
          expect(compileRoutePattern(`/${a.join('/')}/**`, 'k').matchesSegments([...a, ...b])).toBe(
            true,
          );
        },
      ),
    );
  });
});
