import { UsageError } from '@shadowdiff/contracts';
import type { Command, CommandIo, OptionValues, ShadowdiffConfig } from '@shadowdiff/contracts';
import { ORPHAN_SCHEMES } from '@shadowdiff/redis';
import type { OrphanScheme } from '@shadowdiff/redis';
import { createFleetAdapters } from './fleet-adapters.js';
import { startWorker } from './start-worker.js';
import type { Worker } from './start-worker.js';
import { describeKafkaSecurity, redactUrl } from '@shadowdiff/connect';

function str(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Config keys are left to the schema (its error names the key); flags that are not keys are checked here. */
function num(values: OptionValues, name: string): number | undefined {
  const v = str(values, name);
  return v === undefined ? undefined : Number(v);
}

const MIN_SESSION_TIMEOUT_MS = 6_000;

function positiveInt(values: OptionValues, name: string): number | undefined {
  const n = num(values, name);
  if (n !== undefined && !(Number.isInteger(n) && n > 0)) {
    throw new UsageError(`--${name} must be a positive integer, got '${str(values, name)}'`);
  }
  return n;
}

function summary(worker: Worker): string {
  const c = worker.counters;
  return `records ${c.records}, verdicts ${c.verdicts} (paired ${c.paired}, orphaned ${c.orphaned}), late ${c.late}, duplicates ${c.duplicates}, dlq ${c.dlq}, replays deduped ${c.replays}`;
}

function waitForStop(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

async function runWorker(
  config: ShadowdiffConfig,
  values: OptionValues,
  io: CommandIo,
): Promise<number> {
  const log = (line: string) => io.stderr.write(`shadowdiff worker: ${line}\n`);
  const scheme = str(values, 'orphan-scheme') ?? 'swept';
  if (!(ORPHAN_SCHEMES as readonly string[]).includes(scheme)) {
    throw new UsageError(
      `--orphan-scheme must be one of ${ORPHAN_SCHEMES.join(', ')}, got '${scheme}'`,
    );
  }
  const concurrency = positiveInt(values, 'concurrency');
  const sessionTimeoutMs = positiveInt(values, 'session-timeout-ms');
  // Kafka's default group.min.session.timeout.ms: a shorter session is refused at join, and
  // kafkajs needs it above its 1 s heartbeat.
  if (sessionTimeoutMs !== undefined && sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS) {
    throw new UsageError(
      `--session-timeout-ms must be at least ${MIN_SESSION_TIMEOUT_MS} (the broker's default group.min.session.timeout.ms), got ${sessionTimeoutMs}`,
    );
  }
  const meter = io.meter('shadowdiff.worker');
  const adapters = createFleetAdapters({
    config,
    log,
    orphanScheme: scheme as OrphanScheme,
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(sessionTimeoutMs !== undefined ? { sessionTimeoutMs } : {}),
  });
  // A stop request while Kafka is still unreachable ends the connect loop instead of waiting it out.
  const stopEarly = () => void adapters.source.stop();
  io.stopSignal.addEventListener('abort', stopEarly, { once: true });
  // Start-up waits on Redis and Kafka; say so when it takes a while, and let a stop request end
  // the wait (a Redis that never answers would otherwise hold the process past SIGINT/SIGTERM).
  const slow = setTimeout(
    () =>
      log(
        `still starting: waiting for Redis at ${redactUrl(config.redis.url)} (redis.url or $REDIS_URL) and Kafka at ${config.kafka.brokers.join(',')} (kafka.brokers or $KAFKA_BROKERS); Ctrl-C stops`,
      ),
    5_000,
  );
  slow.unref();
  const starting = startWorker({
    config,
    ...adapters,
    meter,
    clock: { now: () => Date.now() },
    log,
  });
  let worker: Worker | undefined;
  try {
    worker = await Promise.race([starting, waitForStop(io.stopSignal).then(() => undefined)]);
  } catch (error) {
    await adapters.close();
    throw error;
  } finally {
    clearTimeout(slow);
    io.stopSignal.removeEventListener('abort', stopEarly);
  }
  if (worker === undefined) {
    log('stopping before start-up finished');
    // Should start-up still complete, the worker it made stops at once.
    starting
      .then(
        (late) => late.stop(),
        () => {},
      )
      .catch(() => {});
    await adapters.close();
    return 0;
  }
  const prom = config.telemetry.prometheus;
  log(
    `consuming ${config.kafka.topics.taps} as group ${config.worker.groupId} ` +
      `(brokers ${config.kafka.brokers.join(',')} [${describeKafkaSecurity(config.kafka)}], redis ${redactUrl(config.redis.url)}, window ${config.worker.windowMs} ms, ` +
      `orphans ${scheme}); verdicts to ${config.kafka.topics.verdicts}` +
      (prom.enabled ? `; metrics at http://${prom.host}:${prom.port}/metrics` : ''),
  );
  const progress = setInterval(() => log(summary(worker)), 30_000);
  progress.unref();
  await waitForStop(io.stopSignal);
  clearInterval(progress);
  log('stopping: finishing the batch in hand');
  await worker.stop();
  await adapters.close();
  log(`stopped; ${summary(worker)}`);
  return 0;
}

/** `shadowdiff worker`: one member of the worker fleet (start as many as the taps topic has partitions). */
export const workerCommand: Command = {
  name: 'worker',
  summary:
    'Run a worker: consume taps from Kafka, pair halves in Redis, judge, emit verdicts and metrics',
  usage: [
    '[options]',
    '',
    'Examples:',
    '  shadowdiff worker --config shadowdiff.yaml',
    '  KAFKA_BROKERS=kafka:9092 REDIS_URL=redis://redis:6379 shadowdiff worker --window-ms 5000',
    '',
    'Start several: they share kafka.topics.taps through one consumer group (worker.groupId) and',
    'one Redis, and give exactly one verdict per trace id between them. SIGINT/SIGTERM stop',
    'gracefully (the batch in hand is finished and committed).',
  ].join('\n'),
  options: {
    group: {
      type: 'string',
      description: 'consumer group of the fleet (default worker.groupId, shadowdiff-worker)',
    },
    'window-ms': {
      type: 'string',
      description: 'how long a half waits for its partner (default worker.windowMs, 10000)',
    },
    'metrics-port': {
      type: 'string',
      description: 'Prometheus /metrics port (default telemetry.prometheus.port, 9464)',
    },
    concurrency: {
      type: 'string',
      description: 'Kafka partition batches handled at once (default 3)',
    },
    'session-timeout-ms': {
      type: 'string',
      description:
        'Kafka session timeout: how long a dead worker holds its partitions (default 10000)',
    },
    'orphan-scheme': {
      type: 'string',
      description:
        'orphan timeouts: swept (deadline index, default) | delayed-job (BullMQ job per trace)',
    },
  },
  overrides(values) {
    const port = num(values, 'metrics-port');
    return {
      worker: { groupId: str(values, 'group'), windowMs: num(values, 'window-ms') },
      ...(port !== undefined ? { telemetry: { prometheus: { port } } } : {}),
    };
  },
  run: (config, values, _positionals, io) => runWorker(config, values, io),
};
