import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { validateConfig } from '@shadowdiff/contracts';
import { kafkaBrokers, redisUrl } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands.js';
import { SEEDED_DRIFT, seededTruth } from '../demo/sample-services.js';
import { runCli } from '../run-cli.js';
import { runUp } from './run-up.js';

describe('shadowdiff up (fleet mode)', () => {
  it('two worker processes on real Kafka + Redis find exactly the seeded drift, one verdict per request', async () => {
    const requests = 300;
    const log = new PassThrough();
    let logged = '';
    log.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    const up = await runUp({
      config: validateConfig({
        kafka: { brokers: kafkaBrokers() },
        redis: { url: redisUrl(), keyPrefix: 'sdtest:up:' },
        telemetry: { prometheus: { enabled: false } },
        console: { listen: '127.0.0.1:0' },
      }),
      meter: new MeterProvider().getMeter('up-test'),
      workers: 2,
      requests,
      concurrency: 8,
      metricsPortBase: 0,
      log,
    });
    try {
      expect(up.traffic.failed).toBe(0);
      expect(up.verdicts).toBe(requests);
      // Both processes took part: each printed its consuming line.
      expect(logged).toMatch(/\[worker 0\] consuming /);
      expect(logged).toMatch(/\[worker 1\] consuming /);
      const byRoute = new Map(up.drift.map((r) => [r.route, r]));
      // The console reads the same run from Redis: every seeded route is in its overview.
      const overview = (await (await fetch(`${up.consoleUrl}/api/overview?range=15m`)).json()) as {
        rows: { route: string; compared: number }[];
      };
      const compared = new Map(overview.rows.map((r) => [r.route, r.compared]));
      for (const [route, want] of seededTruth(requests)) {
        expect({
          route,
          pairs: byRoute.get(route)?.pairs,
          diffs: byRoute.get(route)?.diffs,
        }).toEqual({ route, ...want });
        expect(compared.get(route), route).toBe(want.pairs);
      }
      // The report command up prints reads this run back: its config file names the run's keys.
      const report = up.followUp.commands.find((c) => c.startsWith('npx shadowdiff report '));
      const args = (report ?? '').split(' ').slice(2);
      const out = new PassThrough();
      let json = '';
      out.on('data', (chunk: Buffer) => (json += chunk.toString()));
      const code = await runCli(
        [...args.filter((a) => a !== '--out' && a !== 'evidence.md'), '--format', 'json'],
        COMMANDS,
        {
          stdout: out,
          stderr: new PassThrough(),
          env: {},
          stopSignal: new AbortController().signal,
        },
      );
      expect(code).toBe(0);
      const evidence = JSON.parse(json) as {
        service: string;
        source: unknown;
        routes: { route: string; compared: number }[];
      };
      expect(evidence.service).toBe(up.service);
      // Its Source section shows what ran (mirror tap, the demo's 3 s window as the worker
      // processes reported it), not the defaults of the config file it was given.
      expect(evidence.source).toMatchObject({
        tapMode: 'mirror',
        alignment: { windowMs: 3_000 },
        reported: { tapMode: 'taps', alignment: 'workers' },
      });
      expect(new Set(evidence.routes.map((r) => r.route))).toEqual(
        new Set([...seededTruth(requests).keys()]),
      );
      const reported = up.drift.flatMap((r) =>
        r.topFields.map((f) => `${r.route} ${f.kind}:${f.path}`),
      );
      expect(new Set(reported)).toEqual(
        new Set(SEEDED_DRIFT.map((d) => `${d.route} ${d.kind}:${d.path}`)),
      );
    } finally {
      rmSync(up.followUp.configFile, { force: true });
      await up.close();
    }
  }, 120_000);
});
