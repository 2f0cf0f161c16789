import { mirrorPolicySchema } from '@shadowdiff/contracts';
import type { MirrorPolicy } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { compileMirrorPolicy } from './mirror-policy.js';
import type { RequestFacts } from './mirror-policy.js';

const policy = (input: Partial<MirrorPolicy> = {}): ReturnType<typeof compileMirrorPolicy> =>
  compileMirrorPolicy(mirrorPolicySchema.parse(input));
const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET',
  url: '/orders/1',
  traceId: 'abc',
  bodyBytes: 0,
  ...over,
});

describe('compileMirrorPolicy', () => {
  it('mirrors safe methods by default and never writes', () => {
    const decide = policy();
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get'])
      expect(decide(facts({ method }))).toEqual({ mirror: true });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(decide(facts({ method }))).toEqual({ mirror: false, reason: 'method' });
    }
  });

  it('lets writes through only on the routes the config names, per method when given', () => {
    const decide = policy({ writeRoutes: ['POST /orders/{id}/preview', '/carts/**'] });
    expect(decide(facts({ method: 'POST', url: '/orders/7/preview?x=1' })).mirror).toBe(true);
    expect(decide(facts({ method: 'PUT', url: '/orders/7/preview' })).mirror).toBe(false);
    expect(decide(facts({ method: 'DELETE', url: '/carts/9/items/1' })).mirror).toBe(true);
    expect(decide(facts({ method: 'POST', url: '/orders/7' }))).toEqual({
      mirror: false,
      reason: 'method',
    });
  });

  it('applies include and exclude globs on the path, exclude winning', () => {
    const decide = policy({ include: ['/api/**'], exclude: ['/api/internal/**'] });
    expect(decide(facts({ url: '/api/orders?page=2' })).mirror).toBe(true);
    expect(decide(facts({ url: '/health' }))).toEqual({ mirror: false, reason: 'route' });
    expect(decide(facts({ url: '/api/internal/debug' }))).toEqual({
      mirror: false,
      reason: 'route',
    });
  });

  it('matches the path the service will route, however the client spelled it', () => {
    const decide = policy({
      exclude: ['/api/admin/**'],
      methods: ['GET'],
      writeRoutes: ['POST /orders/{id}/preview'],
    });
    // `/api/admin/**` is `/api/admin` and below; a trailing `/` does not step round it either.
    for (const url of [
      '/api/./admin/x',
      '/api/%61dmin/x',
      '/api//admin/x',
      '/api/v1/../admin/x',
      '/api/admin',
      '/api/admin/x/',
    ]) {
      expect(decide(facts({ url })), url).toEqual({ mirror: false, reason: 'route' });
    }
    expect(decide(facts({ method: 'POST', url: '/orders/1/./preview' })).mirror).toBe(true);
  });

  it('refuses a bad pattern naming the key (for callers that skip the config schema)', () => {
    expect(() =>
      compileMirrorPolicy({ ...mirrorPolicySchema.parse({}), exclude: ['/admin**'] }),
    ).toThrow(/^tap\.mirror\.exclude\[0\]: /);
  });

  it('skips declared bodies over the cap; unknown lengths are the proxy’s to enforce', () => {
    const decide = policy({ maxBodyBytes: 10, methods: ['GET', 'POST'] });
    expect(decide(facts({ method: 'POST', bodyBytes: 11 }))).toEqual({
      mirror: false,
      reason: 'body_too_large',
    });
    expect(decide(facts({ method: 'POST', bodyBytes: 10 })).mirror).toBe(true);
    expect(decide(facts({ method: 'POST', bodyBytes: undefined })).mirror).toBe(true);
  });

  it('samples by trace id: the same id gets the same answer from two compiled policies', () => {
    const a = policy({ percent: 30 });
    const b = policy({ percent: 30 });
    let sampled = 0;
    for (let i = 0; i < 2000; i++) {
      const f = facts({ traceId: `trace-${i}` });
      expect(a(f)).toEqual(b(f));
      if (a(f).mirror) sampled += 1;
      else expect(a(f)).toEqual({ mirror: false, reason: 'sampled_out' });
    }
    expect(sampled).toBeGreaterThan(500);
    expect(sampled).toBeLessThan(700);
  });
});
