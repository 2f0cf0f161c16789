import { decodeTapRecord, readCensus } from '@shadowdiff/contracts';
import { compileRules } from '@shadowdiff/engine';
import { describe, expect, it } from 'vitest';
import { compileMirrorPolicy } from './mirror-policy.js';
import { SkipCensus } from './skip-census.js';
import { mirrorPolicySchema } from '@shadowdiff/contracts';

function setup(maxTallies?: number) {
  const published: { key: string; bytes: Uint8Array }[] = [];
  const census = new SkipCensus({
    service: 'shop',
    tapId: 'tap-1',
    mode: 'mirror',
    rules: compileRules({ routes: [] }),
    offer: (key, bytes) => {
      published.push({ key, bytes });
      return true;
    },
    now: () => 1_700_000_000_000,
    ...(maxTallies !== undefined ? { maxTallies } : {}),
  });
  const read = () =>
    published.map((p) => {
      const d = decodeTapRecord(p.bytes);
      if (!d.ok) throw d.error;
      return { record: d.value, census: readCensus(d.value)! };
    });
  return { census, published, read };
}

describe('SkipCensus', () => {
  it('counts the policy skips per templated route and reason, and publishes one record each', () => {
    const { census, read } = setup();
    const decide = census.wrap(
      compileMirrorPolicy(mirrorPolicySchema.parse({ exclude: ['/admin/*'] })),
    );
    for (let i = 0; i < 5; i++)
      decide({ method: 'POST', url: `/orders?i=${i}`, traceId: `t${i}`, bodyBytes: 10 });
    for (let i = 0; i < 3; i++)
      decide({ method: 'GET', url: `/admin/${i}`, traceId: `a${i}`, bodyBytes: 0 });
    expect(decide({ method: 'GET', url: '/orders/7', traceId: 'm', bodyBytes: 0 })).toEqual({
      mirror: true,
    });
    expect(census.publish()).toBe(2);
    const got = read().map((r) => r.census);
    expect(got).toEqual([
      { method: 'POST', path: '/orders', route: 'POST /orders', reason: 'method', count: 5 },
      { method: 'GET', path: '/admin/0', route: 'GET /admin/{id}', reason: 'route', count: 3 },
    ]);
    const { record } = read()[0]!;
    expect(record).toMatchObject({
      role: 'primary',
      service: 'shop',
      tapId: 'tap-1',
      capturedAt: 1_700_000_000_000,
    });
    expect(record.request.headers).toEqual({});
    expect(record.traceId).toMatch(/^census-/);
    // Counting starts afresh after a publication; nothing to publish, nothing sent.
    expect(census.publish()).toBe(0);
    expect(read()).toHaveLength(2);
  });

  it('holds a bounded number of tallies between publications', () => {
    const { census } = setup(2);
    census.count('GET', '/a', 'route');
    census.count('GET', '/b', 'route');
    census.count('GET', '/c', 'route');
    census.count('GET', '/a', 'route');
    expect(census.overflow).toBe(1);
    expect(census.publish()).toBe(2);
  });

  it('publishes what it counted when stopped', () => {
    const { census, read } = setup();
    census.start();
    census.count('DELETE', '/orders/9', 'method');
    census.stop();
    expect(read().map((r) => r.census)).toEqual([
      {
        method: 'DELETE',
        path: '/orders/9',
        route: 'DELETE /orders/{id}',
        reason: 'method',
        count: 1,
      },
    ]);
  });
});
