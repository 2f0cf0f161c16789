import type { Command } from '@shadowdiff/contracts';
import { RUN_OPTIONS, positiveInt, reportRun } from './demo/report-run.js';
import { runUp } from './up/run-up.js';

/** `shadowdiff up`: the demo's scenario as a fleet — real Kafka and Redis, several worker processes. */
export const upCommand: Command = {
  name: 'up',
  summary:
    'Run the demo as a fleet: real Kafka + Redis, several worker processes (starts local ones if none answer)',
  usage: [
    '[--workers N] [--requests N] [--concurrency N] [--exit] [--json]',
    '',
    'Uses kafka.brokers / $KAFKA_BROKERS and redis.url / $REDIS_URL when they answer; in a source',
    'checkout it otherwise starts them with infra/local/kafka.sh and redis.sh (and stops them after).',
    'Each run uses its own topics (shadowdiff.up-<run>.*), consumer group and Redis key prefix.',
  ].join('\n'),
  options: {
    ...RUN_OPTIONS,
    workers: {
      type: 'string',
      short: 'w',
      description: 'worker processes in the consumer group (default 2)',
    },
    'metrics-port': {
      type: 'string',
      description: "first worker's Prometheus port, the next get +1 (default 9465; 0 = off)",
    },
  },
  async run(config, values, _positionals, io) {
    const workers = positiveInt(values, 'workers', 2);
    const requests = positiveInt(values, 'requests', 2_000);
    const concurrency = positiveInt(values, 'concurrency', 16);
    const metricsPortBase =
      values['metrics-port'] === '0' ? 0 : positiveInt(values, 'metrics-port', 9465);
    const up = await runUp({
      config,
      meter: io.meter('shadowdiff.up'),
      workers,
      requests,
      concurrency,
      metricsPortBase,
      log: io.stderr,
      signal: io.stopSignal,
    });
    try {
      await reportRun(up, values, io, {
        metrics: up.workerMetrics,
        consoleUrl: up.consoleUrl,
        facts: {
          runId: up.runId,
          brokers: up.brokers,
          workers,
          configFile: up.followUp.configFile,
          commands: up.followUp.commands,
        },
        notes: up.followUp.lines,
      });
    } finally {
      await up.close();
    }
    return 0;
  },
};
