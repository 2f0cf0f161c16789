import { UsageError } from '@shadowdiff/contracts';
import type { Command, OptionValues } from '@shadowdiff/contracts';
import { ingestPublisher, ingestRedaction, ingestTapId } from '../kafka-wiring.js';
import { PublishQueue } from '../publish/publish-queue.js';
import { GoReplayAdapter } from './goreplay-adapter.js';
import { runGoReplayMiddleware } from './run-middleware.js';

function positiveInt(values: OptionValues, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive integer, got "${String(raw)}"`);
  }
  return n;
}

/**
 * `shadowdiff goreplay-middleware`: run as GoReplay's `--middleware`. stdout belongs to the
 * protocol (every message echoed unchanged), so everything else goes to stderr.
 */
export const goreplayCommand: Command = {
  name: 'goreplay-middleware',
  summary:
    'GoReplay middleware: echo every message, publish original (primary) and replayed (shadow) responses as TapRecords',
  usage: [
    '[--service NAME] [--max-pending N] [--pending-ttl-ms MS] [--drain-ms MS]',
    '',
    'Run it as GoReplay middleware, tracking both responses:',
    '  gor --input-raw :8080 --input-raw-track-response \\',
    '      --output-http http://shadow:8080 --output-http-track-response \\',
    '      --middleware "shadowdiff goreplay-middleware --config /etc/shadowdiff/shadowdiff.yaml"',
    '',
    'Records go to kafka.topics.taps (key = GoReplay request id); bodies are capped at',
    'tap.captureBodyBytes and redacted like the tap (tap.redact, key from $SHADOWDIFF_REDACT_KEY).',
  ].join('\n'),
  options: {
    service: {
      type: 'string',
      description: 'service attribute of the records (default: config service)',
    },
    'max-pending': {
      type: 'string',
      description: 'requests remembered while their responses are due (default 10000)',
    },
    'pending-ttl-ms': {
      type: 'string',
      description: 'how long a request waits for its responses, in message time (default 60000)',
    },
    'drain-ms': {
      type: 'string',
      description: 'on end of input, how long queued records get to reach Kafka (default 10000)',
    },
  },
  overrides: (values) => (typeof values.service === 'string' ? { service: values.service } : {}),
  async run(config, values, _positionals, io) {
    const log = (line: string): void => void io.stderr.write(`goreplay-middleware: ${line}\n`);
    const maxPending = positiveInt(values, 'max-pending', 10_000);
    const pendingTtlMs = positiveInt(values, 'pending-ttl-ms', 60_000);
    const drainMs = positiveInt(values, 'drain-ms', 10_000);
    const publisher = ingestPublisher(config, 'goreplay', log);
    // GoReplay must never wait on Kafka: records queue (bounded) while the broker connects.
    const queue = new PublishQueue(publisher, {
      maxQueued: config.tap.buffer.maxRecords,
      maxBatchBytes: config.kafka.maxMessageBytes,
      log,
    });
    const adapter = new GoReplayAdapter({
      service: config.service,
      tapId: ingestTapId('goreplay'),
      maxBodyBytes: config.tap.captureBodyBytes,
      maxPending,
      pendingTtlMs,
      redact: ingestRedaction(config, io.env),
    });
    try {
      await runGoReplayMiddleware(
        { input: process.stdin, output: io.stdout, log, signal: io.stopSignal },
        adapter,
        queue,
        config.kafka.topics.taps,
        config.kafka.maxMessageBytes,
      );
    } finally {
      const stats = await queue.close(drainMs);
      await publisher.close();
      const s = adapter.stats;
      log(
        `${s.messages} messages, ${s.requests} requests; published ${stats.published} records ` +
          `(${s.records.primary} primary, ${s.records.shadow} shadow built), dropped ${stats.dropped}; ` +
          `${s.invalid} invalid, ${s.duplicates} duplicate, ${s.unmatchedResponses} unmatched`,
      );
    }
    // Records lost on the way to Kafka are a failure even though GoReplay got every echo.
    return queue.stats.dropped > 0 ? 1 : 0;
  },
};
