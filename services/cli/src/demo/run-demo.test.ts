import { PassThrough } from 'node:stream';
import { validateConfig } from '@shadowdiff/contracts';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { runDemo } from './run-demo.js';
import { CLEAN_ROUTES, SEEDED_DRIFT, seededTruth } from './sample-services.js';

describe('the embedded demo pipeline', () => {
  it('finds exactly the seeded drift, per route and field, with zero config and noise cancelled', async () => {
    const requests = 400;
    const log = new PassThrough();
    log.resume();
    const demo = await runDemo({
      config: validateConfig({
        telemetry: { prometheus: { enabled: false } },
        console: { listen: '127.0.0.1:0' },
      }),
      meter: new MeterProvider().getMeter('demo-test'),
      requests,
      concurrency: 8,
      log,
    });
    try {
      expect(demo.traffic.failed).toBe(0);
      expect(demo.verdicts).toBe(requests);
      const truth = seededTruth(requests);
      const byRoute = new Map(demo.drift.map((r) => [r.route, r]));
      for (const [route, want] of truth) {
        const got = byRoute.get(route);
        expect(got, route).toBeDefined();
        expect({ route, pairs: got!.pairs, diffs: got!.diffs }).toEqual({ route, ...want });
      }
      for (const route of CLEAN_ROUTES) {
        expect(byRoute.get(route)!.topFields).toEqual([]);
        // Noise was there and was taken out, visibly.
        expect(byRoute.get(route)!.suppressed).toBeGreaterThan(0);
      }
      for (const seeded of SEEDED_DRIFT) {
        const fields = byRoute.get(seeded.route)!.topFields.map((f) => `${f.kind}:${f.path}`);
        expect(fields).toContain(`${seeded.kind}:${seeded.path}`);
      }
      const reported = demo.drift.flatMap((r) =>
        r.topFields.map((f) => `${r.route} ${f.kind}:${f.path}`),
      );
      expect(new Set(reported)).toEqual(
        new Set(SEEDED_DRIFT.map((d) => `${d.route} ${d.kind}:${d.path}`)),
      );
      // The console serves the same run: every seeded route is in its overview.
      const overview = (await (
        await fetch(`${demo.consoleUrl}/api/overview?range=15m`)
      ).json()) as {
        rows: { route: string; compared: number }[];
      };
      const compared = new Map(overview.rows.map((r) => [r.route, r.compared]));
      for (const [route, want] of truth) expect(compared.get(route), route).toBe(want.pairs);
    } finally {
      await demo.close();
    }
  }, 60_000);
});
