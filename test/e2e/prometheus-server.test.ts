import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { runDemo, seededTruth, startTelemetry } from '@shadowdiff/cli';
import { validateConfig } from '@shadowdiff/contracts';
import { waitFor } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './helpers/fleet.js';

const PROMETHEUS = '/usr/bin/prometheus';
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Diff rate per route from the raw counters; routes without a diff series count as 0. */
const DIFF_RATE = [
  '(sum by (route) (shadow_pairs_total{env="shadow",outcome="diff"})',
  ' or sum by (route) (shadow_pairs_total{env="shadow"}) * 0)',
  ' / sum by (route) (shadow_pairs_total{env="shadow"})',
].join('');

describe("Debian's Prometheus scraping a worker", () => {
  it('computes the per-route diff rate of the seeded drift from the scraped env=shadow series', async () => {
    const log = new PassThrough();
    log.resume();
    const metricsPort = await freePort();
    const config = validateConfig({
      telemetry: { prometheus: { enabled: true, host: '127.0.0.1', port: metricsPort } },
    });
    const telemetry = startTelemetry(config.telemetry, 'shadowdiff-e2e', (line) => log.write(line));
    cleanup.push(() => telemetry.shutdown());
    const requests = 400;
    const demo = await runDemo({
      config,
      meter: telemetry.meter('e2e'),
      requests,
      concurrency: 8,
      log,
    });
    cleanup.push(() => demo.close());
    expect(demo.verdicts).toBe(requests);

    const dir = mkdtempSync(`${tmpdir()}/sd-prom-`);
    cleanup.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    writeFileSync(
      `${dir}/prometheus.yml`,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: shadowdiff-worker',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${metricsPort}']`,
        '',
      ].join('\n'),
    );
    const promPort = await freePort();
    const prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let promLog = '';
    prometheus.stderr.on(
      'data',
      (chunk: Buffer) => (promLog = (promLog + chunk.toString()).slice(-4000)),
    );
    const exited = new Promise<void>((resolve) => prometheus.once('exit', () => resolve()));
    prometheus.once(
      'error',
      (error) =>
        (promLog += `\nspawn failed: ${error.message} — install it: apt-get install prometheus`),
    );
    cleanup.push(async () => {
      prometheus.kill('SIGTERM');
      await exited;
    });

    const truth = seededTruth(requests);
    let rates = new Map<string, number>();
    await waitFor(
      `Prometheus at :${promPort} to scrape every route (log: ${promLog.slice(-300)})`,
      async () => {
        try {
          const res = await fetch(
            `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(DIFF_RATE)}`,
          );
          const body = (await res.json()) as {
            data?: { result: { metric: { route?: string }; value: [number, string] }[] };
          };
          rates = new Map(
            (body.data?.result ?? []).map((r) => [r.metric.route ?? '', Number(r.value[1])]),
          );
          return rates.size >= truth.size;
        } catch {
          return false;
        }
      },
      60_000,
      250,
    );
    for (const [route, { pairs, diffs }] of truth) {
      expect(rates.get(route), route).toBeCloseTo(diffs / pairs, 9);
    }
    // The seeded drift is visible: the drifting routes alert-worthy, the clean ones at zero.
    expect(rates.get('GET /users/{id}')).toBe(0);
    expect(rates.get('GET /catalog/{id}')).toBeGreaterThan(0.3);

    // Metrics v2: Prometheus ingests the durations as `_seconds` histograms in seconds (the demo's
    // services answer in milliseconds, so the mean is far below a second but above zero).
    const query = async (q: string) => {
      const res = await fetch(
        `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`,
      );
      const body = (await res.json()) as { data?: { result: { value: [number, string] }[] } };
      return Number(body.data?.result[0]?.value[1]);
    };
    for (const name of ['shadow_latency_seconds', 'shadow_pipeline_lag_seconds']) {
      const mean = await query(`sum(${name}_sum{env="shadow"}) / sum(${name}_count{env="shadow"})`);
      expect(mean, name).toBeGreaterThan(0);
      expect(mean, name).toBeLessThan(5);
    }
    expect(await query('count(shadow_latency_bucket)')).toBeNaN();
  }, 120_000);
});
