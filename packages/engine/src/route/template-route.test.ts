import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules } from './compile-rules.js';
import { matchRoute, pathSegments, templateRoute } from './template-route.js';

const none = compileRules({});

describe('templateRoute', () => {
  it.each([
    ['GET', '/orders/123', 'GET /orders/{id}'],
    ['get', '/orders/123?expand=items#x', 'GET /orders/{id}'],
    ['GET', '/orders/550e8400-e29b-41d4-a716-446655440000/items', 'GET /orders/{id}/items'],
    ['GET', '/u/01ARZ3NDEKTSV4RRFFQ69G5FAV', 'GET /u/{id}'],
    ['GET', '/blobs/9f86d081', 'GET /blobs/{id}'],
    ['GET', '/s/aZ3kLm9Qx2Vb7Rt5Yp1Wn8', 'GET /s/{id}'],
    ['GET', '/files/123.json', 'GET /files/{id}.json'],
    ['GET', '/users/jane@example.com', 'GET /users/{id}'],
    ['GET', '/v1/orders', 'GET /v1/orders'],
    ['GET', '/release-notes-2024-q1', 'GET /release-notes-2024-q1'],
    ['GET', '//orders///7/', 'GET /orders/{id}'],
    ['GET', '', 'GET /'],
    ['GET', '/?q=1', 'GET /'],
    ['POST', 'http://shop.internal:8080/orders/9?x', 'POST /orders/{id}'],
    ['M-SEARCH', '/x', 'OTHER /x'],
  ])('%s %s -> %s', (method, url, route) => {
    expect(templateRoute(method, url, none)).toBe(route);
  });

  it('folds very deep paths and very long segments', () => {
    const deep = '/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o';
    expect(templateRoute('GET', deep, none)).toBe('GET /a/b/c/d/e/f/g/h/i/j/k/l/*');
    expect(templateRoute('GET', `/p/${'x'.repeat(65)}`, none)).toBe('GET /p/{id}');
  });

  it('lets configured patterns win, first match first', () => {
    const rules = compileRules({
      routes: [
        { route: 'GET /users/{name}' },
        { route: '/static/**' },
        { route: 'POST /orders/{id}/pay' },
        { route: '* /health' },
        { route: 'GET /img/*' },
        { route: 'GET /files/{id}.json' },
      ],
    });
    expect(templateRoute('GET', '/users/alice', rules)).toBe('GET /users/{name}');
    expect(templateRoute('PUT', '/users/alice', rules)).toBe('PUT /users/alice');
    expect(templateRoute('GET', '/static/js/main.3f2a.js', rules)).toBe('GET /static/**');
    expect(templateRoute('HEAD', '/static', rules)).toBe('HEAD /static/**');
    // `*` is one segment, as in tap.mirror.* (a trailing `*` matched any rest before).
    expect(templateRoute('GET', '/img/logo', rules)).toBe('GET /img/*');
    expect(templateRoute('GET', '/img/header/logo', rules)).toBe('GET /img/header/logo');
    expect(templateRoute('GET', '/files/9.json', rules)).toBe('GET /files/{id}.json');
    expect(templateRoute('POST', '/orders/12/pay', rules)).toBe('POST /orders/{id}/pay');
    expect(templateRoute('DELETE', '/health', rules)).toBe('DELETE /health');
    expect(matchRoute('GET', '/users/bob', rules).rule?.route).toBe('GET /users/{name}');
    expect(matchRoute('GET', '/orders/1', rules).rule).toBeUndefined();
  });

  it('gives every numeric or UUID id the same route (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat().map(String), fc.uuid()), fc.nat(), (id, n) => {
        expect(templateRoute('GET', `/orders/${id}/lines?page=${n}`, none)).toBe(
          'GET /orders/{id}/lines',
        );
      }),
    );
  });

  it('never yields more than the segment cap (property)', () => {
    fc.assert(
      fc.property(fc.webPath(), (path) => {
        const route = templateRoute('GET', path, none);
        expect(route.startsWith('GET /')).toBe(true);
        expect(route.split('/').length - 1).toBeLessThanOrEqual(13);
        expect(route).not.toContain('?');
      }),
    );
  });
});

describe('pathSegments', () => {
  it('drops authority, query and fragment', () => {
    expect(pathSegments('https://h/a/b?c=/d#/e')).toEqual(['a', 'b']);
    expect(pathSegments('/a#x?y')).toEqual(['a']);
    expect(pathSegments('http://h')).toEqual([]);
  });
});
