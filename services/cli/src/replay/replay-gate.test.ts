import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deadPort } from '@shadowdiff/testkit';
import { cli, ordersApi, startUpstream } from './upstreams.test-kit.js';
import type { Upstream } from './upstreams.test-kit.js';

const SEP = '\n🐵🙈🙉\n';
const ROUTES = ['users', 'products', 'orders'] as const;
const REQUESTS = 60;

/** REQUESTS GETs over three routes, 20 of them on the drifting `/api/orders/{id}`. */
function capture(): string {
  const blocks = Array.from(
    { length: REQUESTS },
    (_, i) =>
      `1 r${i} 1764000000000000000 0\nGET /api/${ROUTES[i % 3]}/${i} HTTP/1.1\r\nHost: shop\r\n\r\n`,
  );
  return blocks.join(SEP) + SEP;
}

describe('shadowdiff replay exits as gate does', () => {
  let dir: string;
  let from: string;
  const upstreams: Upstream[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shadowdiff-replay-gate-'));
    from = join(dir, 'traffic.gor');
    writeFileSync(from, capture());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    for (const u of upstreams.splice(0)) await u.close();
  });
  const sides = async (drift: boolean) => {
    const primary = await startUpstream(ordersApi('primary', drift));
    const shadow = await startUpstream(ordersApi('shadow', drift));
    upstreams.push(primary, shadow);
    return ['--from', from, '--primary', primary.url, '--shadow', shadow.url];
  };

  it('0 when the shadow answers the same, with enough pairs; the report says so', async () => {
    const report = join(dir, 'pass.json');
    const r = await cli([
      'replay',
      ...(await sides(false)),
      '--min-pairs',
      '50',
      '--report',
      report,
      '--concurrency',
      '4',
    ]);
    expect(r.stdout).toContain('shadowdiff gate: PASS (exit 0)');
    expect(r.stdout).toContain(`${REQUESTS} of ${REQUESTS} requests replayed from traffic.gor`);
    expect(r.code).toBe(0);
    const evidence = JSON.parse(readFileSync(report, 'utf8')) as {
      schema: string;
      totals: { compared: number; diffRate: number };
    };
    expect(evidence.schema).toBe('shadowdiff.evidence/v1');
    expect(evidence.totals).toMatchObject({ compared: REQUESTS, diffRate: 0 });
  });

  it('1 when the diff rate is over --max-diff-rate', async () => {
    const r = await cli(['replay', ...(await sides(true)), '--min-pairs', '50']);
    expect(r.stdout).toMatch(/GET \/api\/orders\/\{id\}\s+20\s+100\.0%\s+0\s+\/total ×20/);
    expect(r.stdout).toContain('shadowdiff gate: FAIL (exit 1)');
    expect(r.code).toBe(1);
    // A third of the pairs drift: a 40% limit passes the same run.
    const lenient = await cli([
      'replay',
      ...(await sides(true)),
      '--min-pairs',
      '50',
      '--max-diff-rate',
      '40%',
    ]);
    expect(lenient.code).toBe(0);
  });

  it('2 when fewer pairs than --min-pairs were compared (and nothing drifted)', async () => {
    const r = await cli(['replay', ...(await sides(false)), '--min-pairs', '1000']);
    expect(r.stdout).toContain('NOT ENOUGH EVIDENCE (exit 2)');
    expect(r.stdout).toContain(`only ${REQUESTS} compared pairs; the gate needs 1000`);
    expect(r.code).toBe(2);
  });

  it('2 on a bad flag, named, before anything is sent', async () => {
    const primary = await startUpstream(ordersApi('primary'));
    upstreams.push(primary);
    const args = ['--from', from, '--primary', primary.url, '--shadow', primary.url];
    const rate = await cli(['replay', ...args, '--max-diff-rate', '1']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain('--max-diff-rate 1 would be a fraction of 1 (100%)');
    const pace = await cli(['replay', ...args, '--rate', 'fast']);
    expect(pace.stderr).toContain(
      "--rate expects requests per second such as 50/s or 50, got 'fast'",
    );
    const url = await cli(['replay', '--from', from, '--primary', 'localhost:80', '--shadow', 'x']);
    expect(url.stderr).toContain(
      "--primary must be an http(s) URL such as http://127.0.0.1:8080, got 'localhost:80'",
    );
    const missing = await cli([
      'replay',
      '--from',
      join(dir, `${randomUUID()}.har`),
      ...args.slice(2),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read --from');
    expect(primary.seen).toEqual([]);
  });

  it('--help shows the flags, the exit codes and an example; the verb is in the command list', async () => {
    const help = await cli(['replay', '--help']);
    expect(help.code).toBe(0);
    for (const text of [
      '--from',
      '--allow-writes',
      '--rate',
      '--max-diff-rate',
      '2 not enough evidence',
    ]) {
      expect(help.stdout).toContain(text);
    }
    expect(help.stdout).toContain('Example:\n  shadowdiff replay --from traffic.har');
    expect((await cli(['--help'])).stdout).toMatch(
      /\n {2}replay +Replay a HAR or GoReplay capture/,
    );
  });

  it('a shadow that answers nothing fails (1); a primary that answers nothing is no evidence (2)', async () => {
    const up = await startUpstream(ordersApi('primary'));
    upstreams.push(up);
    const down = `http://127.0.0.1:${await deadPort()}`;
    const shadowDown = await cli(['replay', '--from', from, '--primary', up.url, '--shadow', down]);
    expect(shadowDown.stderr).toContain(
      `--shadow ${down} answered none of the ${REQUESTS} requests (refused: connect ECONNREFUSED`,
    );
    expect(shadowDown.stdout).toContain(`${REQUESTS} got no answer from shadow`);
    // Exactly what a fleet concludes of a shadow that cannot serve: every pair a status diff.
    expect(shadowDown.stdout).toMatch(
      /GET \/api\/users\/\{id\}\s+20\s+100\.0%\s+0\s+status:status/,
    );
    expect(shadowDown.code).toBe(1);

    const primaryDown = await cli([
      'replay',
      '--from',
      from,
      '--primary',
      down,
      '--shadow',
      up.url,
    ]);
    expect(primaryDown.stderr).toContain(
      `--primary ${down} answered none of the ${REQUESTS} requests`,
    );
    expect(primaryDown.stderr).toContain('no baseline to judge the shadow against: exit 2');
    expect(primaryDown.code).toBe(2);
  });

  it('an unwritable --report is exit 1 whatever the gate said, and says why', async () => {
    const report = join(dir, 'no-such-dir', 'evidence.md');
    const r = await cli([
      'replay',
      ...(await sides(false)),
      '--min-pairs',
      '50',
      '--report',
      report,
    ]);
    expect(r.stdout).toContain('PASS');
    expect(r.stderr).toContain(`--report ${report}: cannot write:`);
    expect(existsSync(report)).toBe(false);
    expect(r.code).toBe(1);
  });

  it('--rate paces the requests: 20/s over 60 requests takes about 3 s, not 0', async () => {
    const started = Date.now();
    const r = await cli(['replay', ...(await sides(false)), '--min-pairs', '50', '--rate', '20/s']);
    expect(r.code).toBe(0);
    // A lower bound only (pacing can only be slower on a busy machine): 59 gaps of 50 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(59 * 50 - 20);
  });
});
