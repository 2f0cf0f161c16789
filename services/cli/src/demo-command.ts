import type { Command } from '@shadowdiff/contracts';
import { UsageError } from '@shadowdiff/contracts';
import { runDemo } from './demo/run-demo.js';
import { SEEDED_DRIFT } from './demo/sample-services.js';
import { renderSummary } from './demo/summary.js';

function positiveInt(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--${flag} must be a positive whole number, got '${String(value)}'`);
  return n;
}

/** `shadowdiff demo`: the README's main job — the whole pipeline in one process, no Kafka or Redis. */
export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Run the whole pipeline in one process on sample services with seeded drift (no Kafka/Redis)',
  usage: '[--requests N] [--concurrency N] [--exit]',
  options: {
    requests: {
      type: 'string',
      short: 'n',
      description: 'requests to drive through the mirror tap (default 2000)',
    },
    concurrency: { type: 'string', description: 'concurrent clients (default 16)' },
    exit: {
      type: 'boolean',
      description:
        'exit after the summary instead of serving until Ctrl-C (default when not a TTY)',
    },
    json: { type: 'boolean', description: 'print the drift summary as JSON on stdout' },
  },
  async run(config, values, _positionals, io) {
    const requests = positiveInt(values.requests, 'requests', 2_000);
    const concurrency = positiveInt(values.concurrency, 'concurrency', 16);
    io.stderr.write(
      `shadowdiff demo: sample primary + shadow (seeded drift and noise), mirror tap, worker on in-memory adapters; ${requests} requests\n`,
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
      if (values.json === true) {
        io.stdout.write(
          `${JSON.stringify({ service: demo.service, traffic: demo.traffic, verdicts: demo.verdicts, routes: demo.drift }, null, 2)}\n`,
        );
      } else {
        io.stdout.write(renderSummary(demo.drift));
        io.stdout.write(
          `${demo.verdicts} verdicts from ${demo.traffic.sent} requests (clients got: ${Object.entries(
            demo.traffic.statuses,
          )
            .map(([s, n]) => `${n}× ${s}`)
            .join(', ')}).\n`,
        );
        io.stdout.write(
          `Seeded drift: ${SEEDED_DRIFT.map((d) => `${d.route} ${d.path}`).join('; ')}.\n`,
        );
        if (config.telemetry.prometheus.enabled) {
          io.stdout.write(
            `Metrics (env="shadow"): http://${config.telemetry.prometheus.host}:${config.telemetry.prometheus.port}/metrics\n`,
          );
        }
      }
      const stayUp = values.exit !== true && (io.stdout as { isTTY?: boolean }).isTTY === true;
      if (stayUp) {
        io.stderr.write(`Tap still listening at ${demo.tapUrl} — Ctrl-C to stop.\n`);
        await new Promise<void>((resolve) =>
          io.stopSignal.addEventListener('abort', () => resolve(), { once: true }),
        );
      }
    } finally {
      await demo.close();
    }
    return 0;
  },
};
