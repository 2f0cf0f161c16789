import { validateConfig } from '@shadowdiff/contracts';
import { RedisSampleStore } from '@shadowdiff/redis';
import { redisUrl, scopedRedis, testCommandIo } from '@shadowdiff/testkit';
import type { ScopedRedis } from '@shadowdiff/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportCommand } from './report-command.js';

let redis: ScopedRedis;
beforeEach(async () => {
  redis = await scopedRedis('report-empty');
});
afterEach(async () => {
  await redis.cleanup();
});

async function report(service: string) {
  const t = testCommandIo();
  const config = validateConfig({ service, redis: { url: redisUrl(), keyPrefix: redis.prefix } });
  const exit = await reportCommand.run(config, {}, [], t.io);
  return { exit, stdout: t.stdout(), stderr: t.stderr() };
}

describe('shadowdiff report with no data (real Redis)', () => {
  it('says where the data would have come from, and that an in-memory run keeps none', async () => {
    const r = await report('orders');
    expect(r.exit).toBe(0);
    for (const text of [r.stdout, r.stderr]) {
      expect(text).toContain(`No data for service orders`);
      expect(text).toContain(`Redis ${redisUrl()}, keys under ${redis.prefix}`);
      expect(text).toContain('An in-memory run (shadowdiff demo) keeps its statistics in its own');
    }
  });

  it('names the services that Redis does hold under the prefix', async () => {
    const now = Date.now();
    await new RedisSampleStore({ client: redis.client, keyPrefix: redis.prefix }).record({
      stats: [
        {
          service: 'orders-demo',
          route: 'GET /orders/{id}',
          minute: Math.floor(now / 60_000) * 60_000,
          outcomes: { match: 3 },
          late: 0,
          diffs: [],
          latency: {},
          responses: {},
        },
      ],
      examples: [],
    });
    const wrong = await report('orders');
    expect(wrong.stdout).toContain('for service orders-demo: set service in the config');
    // With the right service the report has the route, and no such note.
    const right = await report('orders-demo');
    expect(right.stdout).toContain('GET /orders/{id}');
    expect(right.stdout).not.toContain('No data for service');
  });
});
