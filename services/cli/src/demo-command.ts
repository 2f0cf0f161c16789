import type { Command } from '@shadowdiff/contracts';
import { RUN_OPTIONS, positiveInt, reportRun } from './demo/report-run.js';
import { runDemo } from './demo/run-demo.js';

/** `shadowdiff demo`: the README's main job — the whole pipeline in one process, no Kafka or Redis. */
export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Run the whole pipeline in one process on sample services with seeded drift (no Kafka/Redis)',
  usage: '[--requests N] [--concurrency N] [--exit] [--json]',
  options: { ...RUN_OPTIONS },
  async run(config, values, _positionals, io) {
    const requests = positiveInt(values, 'requests', 2_000);
    const concurrency = positiveInt(values, 'concurrency', 16);
    io.stderr.write(
      `shadowdiff demo: sample primary + shadow (seeded drift and noise), mirror tap, worker on in-memory adapters, console; ${requests} requests\n`,
    );
    const demo = await runDemo({
      config,
      meter: io.meter('shadowdiff.demo'),
      requests,
      concurrency,
      log: io.stderr,
      signal: io.stopSignal,
    });
    try {
      const prom = config.telemetry.prometheus;
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
