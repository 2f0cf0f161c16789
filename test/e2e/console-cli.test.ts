/**
 * The console's verbs through the real CLI dispatcher (`shadowdiff gate | report | console`) against
 * statistics written to the shared Redis through the fleet's sample store.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { COMMANDS, runCli } from '@shadowdiff/cli';
import { pairedDeltaBucket, pairedRatioBucket } from '@shadowdiff/engine';
import type { RouteStatsDelta } from '@shadowdiff/engine';
import { RedisSampleStore } from '@shadowdiff/redis';
import { redisUrl, scopedRedis, waitFor } from '@shadowdiff/testkit';
import type { ScopedRedis } from '@shadowdiff/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MINUTE = 60_000;

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

describe('shadowdiff gate / report / console verbs', () => {
  let scope: ScopedRedis;
  let dir: string;
  let configPath: string;

  async function cli(args: string[], stop?: AbortSignal) {
    const out = capture();
    const err = capture();
    const code = await runCli([args[0]!, '--config', configPath, ...args.slice(1)], COMMANDS, {
      stdout: out.stream,
      stderr: err.stream,
      env: { REDIS_URL: redisUrl() },
      stopSignal: stop ?? new AbortController().signal,
    });
    return { code, stdout: out.text(), stderr: err.text() };
  }

  beforeAll(async () => {
    scope = await scopedRedis('console-cli');
    dir = mkdtempSync(join(tmpdir(), 'shadowdiff-cli-'));
    configPath = join(dir, 'shadowdiff.yaml');
    writeFileSync(
      configPath,
      `service: shop\nowner: team-cli\nredis:\n  keyPrefix: "${scope.prefix}"\nconsole:\n  listen: 127.0.0.1:0\n`,
    );
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const delta = (route: string, match: number, diff: number): RouteStatsDelta => ({
      service: 'shop',
      route,
      minute,
      outcomes: { match, diff },
      late: 0,
      diffs: diff ? [{ kind: 'body', path: '/total', severity: 'minor', count: diff }] : [],
      latency: { primary: { 6: match + diff }, shadow: { 6: match + diff } },
      responses: { primary: { '2xx': match + diff }, shadow: { '2xx': match + diff } },
    });
    const store = new RedisSampleStore({ client: scope.client, keyPrefix: scope.prefix });
    await store.record({
      stats: [delta('GET /orders/{id}', 590, 10), delta('GET /users/{id}', 400, 0)],
      examples: [],
    });
  });

  afterAll(async () => {
    await scope?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gate exits 0 / 1 / 2 with a one-screen summary, or JSON', async () => {
    const pass = await cli(['gate', '--max-diff-rate', '2%', '--min-pairs', '500']);
    expect(pass.code).toBe(0);
    expect(pass.stdout.split('\n')[0]).toBe('shadowdiff gate: PASS (exit 0)');
    expect(pass.stdout).toContain('1,000 compared');
    const fail = await cli([
      'gate',
      '--max-diff-rate',
      '0.5%',
      '--min-pairs',
      '500',
      '--route',
      'GET /orders/{id}',
    ]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/diff rate\s+1\.67% \(10 of 600;/);
    const thin = await cli([
      'gate',
      '--max-diff-rate',
      '0.5%',
      '--min-pairs',
      '500',
      '--route',
      'GET /users/{id}',
      '--window',
      '30m',
      '--json',
    ]);
    expect(thin.code).toBe(2);
    const json = JSON.parse(thin.stdout) as {
      verdict: string;
      exitCode: number;
      scope: { windowMs: number };
      totals: { compared: number };
    };
    expect(json).toMatchObject({
      verdict: 'insufficient',
      exitCode: 2,
      scope: { windowMs: 1_800_000 },
      totals: { compared: 400 },
    });
  });

  it('gate says "not enough evidence" (exit 2), never pass, when Redis cannot be read', async () => {
    const err = capture();
    const code = await runCli(
      ['gate', '--config', configPath, '--max-diff-rate', '0.5%', '--min-pairs', '1'],
      COMMANDS,
      {
        stdout: capture().stream,
        stderr: err.stream,
        env: { REDIS_URL: 'redis://127.0.0.1:1' },
        stopSignal: new AbortController().signal,
      },
    );
    expect(code).toBe(2);
    expect(err.text()).toContain(
      'shadowdiff gate: cannot read the statistics from redis://127.0.0.1:1',
    );
  });

  it('gate refuses bad input with the flag named, and has --help', async () => {
    const bad = await cli(['gate', '--max-diff-rate', 'abc', '--min-pairs', '500']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "shadowdiff gate: --max-diff-rate expects a percentage such as 0.5% or a fraction such as 0.005 (between 0 and 100%), got 'abc'\n",
    );
    const missing = await cli(['gate', '--min-pairs', '500']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--max-diff-rate is required');
    const help = await cli(['gate', '--help']);
    expect(help.code).toBe(0);
    for (const flag of [
      '--max-diff-rate',
      '--min-pairs',
      '--route',
      '--window',
      '--max-p99-ratio',
      '--max-latency-ratio',
      '--fail-on',
      '--json',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('report writes md, html and json, and refuses unknown formats', async () => {
    const md = await cli(['report', '--from', '1h']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('# Shadow evidence: shop');
    expect(md.stdout).toContain('**Owner:** team-cli');
    const out = join(dir, 'evidence.html');
    const html = await cli([
      'report',
      '--from',
      '2h',
      '--to',
      'now',
      '--format',
      'html',
      '--out',
      out,
    ]);
    expect(html.code).toBe(0);
    expect(html.stderr).toContain(`wrote ${out}`);
    expect(readFileSync(out, 'utf8')).toContain('<h1>Shadow evidence: shop</h1>');
    const json = await cli(['report', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      schema: 'shadowdiff.evidence/v1',
      totals: { compared: 1_000 },
    });
    const bad = await cli(['report', '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "shadowdiff report: --format must be one of md, html, json, got 'pdf'\n",
    );
    const backwards = await cli(['report', '--from', 'now', '--to', '2h']);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toMatch(/--from must be before --to/);
  });

  it('console serves the fleet statistics until stopped', async () => {
    const stop = new AbortController();
    const err = capture();
    const running = runCli(['console', '--config', configPath], COMMANDS, {
      stdout: capture().stream,
      stderr: err.stream,
      env: { REDIS_URL: redisUrl() },
      stopSignal: stop.signal,
    });
    await waitFor('console listening', () => /listening on (http:\/\/\S+?);/.test(err.text()));
    const url = /listening on (http:\/\/\S+?);/.exec(err.text())![1]!;
    const overview = (await (await fetch(`${url}/api/overview`)).json()) as {
      rows: { route: string }[];
    };
    expect(overview.rows.map((r) => r.route).sort()).toEqual([
      'GET /orders/{id}',
      'GET /users/{id}',
    ]);
    stop.abort();
    expect(await running).toBe(0);
  });

  it('gate --fail-on and --max-latency-ratio exit 1 on a 503 and a 3x slower route, 0 without', async () => {
    // Another service in the same Redis scope; last, so the other tests' figures stay as they are.
    const billing = join(dir, 'billing.yaml');
    writeFileSync(billing, `service: billing\nredis:\n  keyPrefix: "${scope.prefix}"\n`);
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const base = { service: 'billing', minute, late: 0, latency: {}, responses: {} };
    const store = new RedisSampleStore({ client: scope.client, keyPrefix: scope.prefix });
    await store.record({
      stats: [
        {
          ...base,
          route: 'GET /invoices/{id}',
          outcomes: { match: 997, diff: 3 },
          diffs: [{ kind: 'status', path: 'status', severity: 'critical', count: 1 }],
          paired: {
            ratio: { [pairedRatioBucket(10, 10)]: 1000 },
            delta: { [pairedDeltaBucket(0)]: 1000 },
          },
        },
        {
          ...base,
          route: 'GET /slow/{id}',
          outcomes: { match: 20 },
          diffs: [],
          paired: {
            ratio: { [pairedRatioBucket(30, 10)]: 20 },
            delta: { [pairedDeltaBucket(20)]: 20 },
          },
        },
      ],
      examples: [],
    });
    const gate = async (...extra: string[]) => {
      const out = capture();
      const err = capture();
      const code = await runCli(
        ['gate', '--config', billing, '--max-diff-rate', '1%', '--min-pairs', '500', ...extra],
        COMMANDS,
        {
          stdout: out.stream,
          stderr: err.stream,
          env: { REDIS_URL: redisUrl() },
          stopSignal: new AbortController().signal,
        },
      );
      return { code, stdout: out.text(), stderr: err.text() };
    };
    expect((await gate()).code).toBe(0); // 0.3% of 1,020: the rate alone passes
    const critical = await gate('--fail-on', 'critical');
    expect(critical.code).toBe(1);
    expect(critical.stdout).toContain('critical finding status on GET /invoices/{id} (1 pairs)');
    expect(
      (await gate('--fail-on', 'critical', '--route', 'GET /slow/{id}', '--min-pairs', '10')).code,
    ).toBe(0);
    const slow = await gate('--max-latency-ratio', '1.5');
    expect(slow.code).toBe(1);
    expect(slow.stdout).toMatch(
      /GET \/slow\/\{id\} is 2\.\d\dx slower on the shadow over 20 paired requests/,
    );
    expect((await gate('--max-latency-ratio', '3.5')).code).toBe(0);
    const bad = await gate('--fail-on', 'fatal');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fail-on expects one of critical, major, minor');
  });
});
