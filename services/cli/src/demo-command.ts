import type { Command } from '@shadowdiff/contracts';
import { RUN_OPTIONS, positiveInt, reportRun } from './demo/report-run.js';
import { runDemo } from './demo/run-demo.js';
import { EMBEDDED_OPTIONS, embeddedOverrides } from './embedded/flags.js';
import { assertCanListen } from './embedded/listen-probe.js';
import { writeEvidence } from './embedded/write-report.js';

/** `shadowdiff demo`: the README's main job — the whole pipeline in one process, no Kafka or Redis. */
export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Run the whole pipeline in one process on sample services with seeded drift (no Kafka/Redis)',
  usage:
    '[--requests N] [--concurrency N] [--exit] [--json] [--report FILE] [--console-listen HOST:PORT] [--metrics-port N]',
  options: { ...RUN_OPTIONS, ...EMBEDDED_OPTIONS },
  overrides: embeddedOverrides,
  async run(config, values, _positionals, io) {
    const requests = positiveInt(values, 'requests', 2_000);
    const concurrency = positiveInt(values, 'concurrency', 16);
    const prom = config.telemetry.prometheus;
    if (prom.enabled) {
      await assertCanListen(prom.host, prom.port, 'telemetry.prometheus.port', '--metrics-port');
    }
    io.stderr.write(
      `shadowdiff demo: sample primary + shadow (seeded drift and noise), mirror tap, worker on in-memory adapters, console; ${requests} requests\n`,
    );
    const started = Date.now();
    const demo = await runDemo({
      config,
      meter: io.meter('shadowdiff.demo'),
      requests,
      concurrency,
      log: io.stderr,
      signal: io.stopSignal,
      consoleListenFlag: '--console-listen',
    });
    try {
      const report = values.report;
      if (typeof report === 'string') {
        try {
          const line = await writeEvidence(
            report,
            { samples: demo.embedded.samples, noise: demo.embedded.consoleNoise },
            demo.config,
            { from: started - 60_000, to: Date.now() + 60_000 },
            Date.now(),
          );
          io.stderr.write(`shadowdiff demo: ${line}\n`);
        } catch (error) {
          io.stderr.write(`shadowdiff demo: ${(error as Error).message}\n`);
          return 1;
        }
      }
      await reportRun(demo, values, io, {
        metrics: prom.enabled ? [`http://${prom.host}:${prom.port}/metrics`] : [],
        consoleUrl: demo.consoleUrl,
      });
    } finally {
      await demo.close();
    }
    return 0;
  },
};
