import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, ordersApi, startUpstream } from './upstreams.test-kit.js';
import type { Respond, Upstream } from './upstreams.test-kit.js';

const SEP = '\n🐵🙈🙉\n';
const REQUESTS = 40;

/**
 * The orders API, plus the answering pod in every answer (`pod-<random>`, not a UUID or a clock the
 * engine knows to ignore): noise no two instances agree on.
 */
function noisy(role: 'primary' | 'shadow' | 'secondary'): Respond {
  const api = ordersApi(role);
  return (req) => {
    const answer = api(req);
    return {
      ...answer,
      body: { ...(answer.body as object), servedBy: `pod-${randomInt(1_000_000)}` },
    };
  };
}

type Route = { route: string; diffs: number; topFields: { path: string; count: number }[] };

describe('shadowdiff replay --secondary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shadowdiff-replay-secondary-'));
  const from = join(dir, 'traffic.gor');
  writeFileSync(
    from,
    Array.from(
      { length: REQUESTS },
      (_, i) =>
        `1 r${i} 1764000000000000000 0\nGET /api/${i % 2 === 0 ? 'users' : 'orders'}/${i} HTTP/1.1\r\n\r\n`,
    ).join(SEP) + SEP,
  );
  const upstreams: Upstream[] = [];
  afterAll(async () => {
    for (const u of upstreams) await u.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("cancels what primary and secondary disagree on once it has evidence, keeps the shadow's drift", async () => {
    const [primary, shadow, secondary] = await Promise.all(
      (['primary', 'shadow', 'secondary'] as const).map((role) => startUpstream(noisy(role))),
    );
    upstreams.push(primary!, shadow!, secondary!);
    const base = ['replay', '--from', from, '--primary', primary!.url, '--shadow', shadow!.url];
    // Paced over ~2 s: the worker cancels with the statistics it has flushed (every 250 ms here).
    const json = ['--min-pairs', '1', '--max-diff-rate', '60%', '--rate', '20/s', '--json'];
    const users = (r: { routes: Route[] }) =>
      r.routes.find((x) => x.route === 'GET /api/users/{id}')!;
    const orders = (r: { routes: Route[] }) =>
      r.routes.find((x) => x.route === 'GET /api/orders/{id}')!;

    const without = JSON.parse((await cli([...base, ...json])).stdout) as { routes: Route[] };
    // Two instances never agree on servedBy: without a secondary it is a diff on every pair.
    expect(users(without).diffs).toBe(REQUESTS / 2);
    expect(users(without).topFields.map((f) => f.path)).toEqual(['/servedBy']);

    const run = await cli([...base, '--secondary', secondary!.url, ...json]);
    const withSecondary = JSON.parse(run.stdout) as { routes: Route[]; verdicts: number };
    // Every pair waited for its third role and was judged (no orphans for want of a secondary).
    expect(withSecondary.verdicts).toBe(REQUESTS);
    expect(secondary!.seen.map((r) => r.url).sort()).toEqual(
      primary!.seen
        .slice(REQUESTS)
        .map((r) => r.url)
        .sort(),
    );
    // The noise is cancelled once the secondary's evidence is in: the later half of the run.
    expect(users(withSecondary).diffs).toBeLessThan(REQUESTS / 4);
    // The shadow's own drift is never cancelled: the secondary agrees with the primary there.
    expect(orders(withSecondary).diffs).toBe(REQUESTS / 2);
    expect(orders(withSecondary).topFields[0]).toMatchObject({
      path: '/total',
      count: REQUESTS / 2,
    });
    expect(run.code).toBe(0);
  });

  it('a config that expects a secondary does not orphan a replay without --secondary', async () => {
    const [primary, shadow] = await Promise.all(
      (['primary', 'shadow'] as const).map((role) => startUpstream(ordersApi(role))),
    );
    upstreams.push(primary!, shadow!);
    const config = join(dir, 'shadowdiff.yaml');
    writeFileSync(config, 'noise:\n  secondary:\n    enabled: true\n');
    const run = await cli([
      'replay',
      '--config',
      config,
      '--from',
      from,
      '--primary',
      primary!.url,
      '--shadow',
      shadow!.url,
      '--min-pairs',
      '1',
      '--max-diff-rate',
      '60%',
      '--json',
    ]);
    const out = JSON.parse(run.stdout) as { verdicts: number; routes: { orphans: number }[] };
    expect(out.verdicts).toBe(REQUESTS);
    expect(out.routes.reduce((n, r) => n + r.orphans, 0)).toBe(0);
  });
});
