import type { Command, OptionValues } from '@shadowdiff/contracts';
import { ShadowdiffError, UsageError } from '@shadowdiff/contracts';
import { createThreadedKafkaPublisher, topicMaxMessageBytes } from '@shadowdiff/kafka';
import { startTap } from './start-tap.js';
import { kafkaSecurity } from '@shadowdiff/connect';
import { RecordLimit } from '@shadowdiff/source';

function str(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function num(values: OptionValues, name: string): number | undefined {
  const v = str(values, name);
  // Left to the schema to reject (NaN), so the error names the config key.
  return v === undefined ? undefined : Number(v);
}

/** `shadowdiff tap`: the HTTP tap in sidecar or mirror mode, publishing records to Kafka. */
export const tapCommand: Command = {
  name: 'tap',
  summary: 'Run the HTTP tap: a sidecar in front of one service, or a mirror to primary + shadow',
  usage: [
    '[options]',
    '',
    'Examples:',
    '  shadowdiff tap --role primary --upstream http://127.0.0.1:9000 --listen :8080',
    '  shadowdiff tap --primary http://127.0.0.1:9000 --shadow http://127.0.0.1:9001 --percent 10',
    '  shadowdiff tap --primary http://10.0.0.1:9000 --shadow http://10.0.0.2:9000 --secondary http://10.0.0.3:9000',
    '',
    'Mirror mode self-checks by default: the first 3 requests of each route it has not seen (and 1%',
    'after) go to the primary a second time, as role secondary (GET/HEAD/OPTIONS without a body',
    'only, marked like the shadow copy, after the client got its answer), so what differs between',
    'two answers of the primary is noise from the first pair. --secondary sends those copies to a',
    'separate second primary instance instead. Tune or turn off with tap.selfCheck (enabled,',
    'firstPerRoute, percent, maxInFlight, timeoutMs, maxRoutes); the extra load is the',
    'shadow.tap.selfcheck{outcome="sent"} counter. Sidecar taps: --role secondary instead.',
    '',
    'Flags override the config file (tap.* keys). Records go to kafka.topics.taps; the tap serves',
    'traffic even while Kafka is unreachable (records are buffered, then dropped and counted).',
    'Upgrade (websocket) and CONNECT requests are tunnelled to the primary without capture.',
    '',
    'Also read: $SHADOWDIFF_REDACT_KEY (redaction HMAC key; taps whose records pair must share it),',
    '$KAFKA_BROKERS. Health and readiness on --admin-listen (/healthz, /readyz); metrics for',
    'Prometheus on telemetry.prometheus (default 127.0.0.1:9464/metrics).',
  ].join('\n'),
  options: {
    mode: {
      type: 'string',
      description:
        'sidecar | mirror (default: mirror when --primary/--shadow given, else tap.mode)',
    },
    role: {
      type: 'string',
      description: 'sidecar: primary | shadow | secondary (default tap.role, primary)',
    },
    upstream: {
      type: 'string',
      description: 'sidecar: URL of the service this tap fronts (tap.upstream)',
    },
    primary: { type: 'string', description: 'mirror: URL whose answers clients get (tap.primary)' },
    shadow: { type: 'string', description: 'mirror: URL of the service under test (tap.shadow)' },
    secondary: {
      type: 'string',
      description:
        'mirror: URL of a second primary instance for self-check copies (tap.secondary; default the primary)',
    },
    listen: {
      type: 'string',
      short: 'l',
      description: 'host:port for clients (default tap.listen, 127.0.0.1:8080)',
    },
    'admin-listen': {
      type: 'string',
      description: 'host:port for /healthz and /readyz (default 127.0.0.1:8081)',
    },
    percent: {
      type: 'string',
      description: 'percent of requests mirrored/recorded, by trace-id hash (default 100)',
    },
    service: {
      type: 'string',
      description: 'service name on records and metrics (default config service)',
    },
    'tap-id': { type: 'string', description: 'this tap in records (default hostname:pid)' },
  },
  overrides(values) {
    const primary = str(values, 'primary');
    const shadow = str(values, 'shadow');
    const secondary = str(values, 'secondary');
    const mode =
      str(values, 'mode') ??
      (primary !== undefined || shadow !== undefined || secondary !== undefined
        ? 'mirror'
        : undefined);
    if (mode === 'sidecar' && secondary !== undefined) {
      throw new UsageError(
        '--secondary is for mirror mode; a sidecar in front of a second primary instance takes --role secondary --upstream URL',
      );
    }
    // Flags that the chosen mode would ignore are mistakes, not preferences: say so.
    if (mode === 'mirror' && str(values, 'upstream') !== undefined) {
      throw new UsageError(
        '--upstream is for sidecar mode; mirror mode takes --primary URL --shadow URL (drop --upstream, or drop --primary/--shadow for a sidecar)',
      );
    }
    if (mode === 'mirror' && str(values, 'role') !== undefined) {
      throw new UsageError(
        '--role is for sidecar mode; a mirror tap records the primary and the shadow itself (drop --role)',
      );
    }
    if (mode === 'sidecar' && (primary !== undefined || shadow !== undefined)) {
      throw new UsageError(
        '--primary/--shadow are for mirror mode; a sidecar fronts one service: --upstream URL',
      );
    }
    const percent = num(values, 'percent');
    const service = str(values, 'service');
    return {
      ...(service !== undefined ? { service } : {}),
      tap: {
        mode,
        role: str(values, 'role'),
        upstream: str(values, 'upstream'),
        primary,
        shadow,
        secondary,
        listen: str(values, 'listen'),
        adminListen: str(values, 'admin-listen'),
        tapId: str(values, 'tap-id'),
        ...(percent !== undefined ? { mirror: { percent } } : {}),
      },
    };
  },
  async run(config, _values, positionals, io) {
    if (positionals.length > 0) {
      throw new UsageError(
        `unexpected argument '${positionals[0]}' — every tap setting is a flag (see shadowdiff tap --help)`,
      );
    }
    const log = (line: string): void => {
      io.stderr.write(`shadowdiff tap: ${line.replace(/^tap: /, '')}\n`);
    };
    const security = kafkaSecurity(config.kafka);
    const publisher = createThreadedKafkaPublisher({
      brokers: config.kafka.brokers,
      security,
      clientId: `${config.kafka.clientId}-tap`,
      log,
    });
    const recordLimit = new RecordLimit(config.kafka.maxMessageBytes);
    const learning = learnTopicLimit(recordLimit, io.stopSignal, log, () =>
      topicMaxMessageBytes({
        brokers: config.kafka.brokers,
        security,
        topic: config.kafka.topics.taps,
      }),
    );
    let tap;
    try {
      tap = await startTap({
        config,
        publisher,
        meter: io.meter('@shadowdiff/tap'),
        env: io.env,
        log,
        recordLimit,
        publisherStatus: () => ({
          kind: 'kafka',
          brokers: config.kafka.brokers,
          state: publisher.state,
          ...(publisher.lastError ? { lastError: publisher.lastError } : {}),
        }),
      });
    } catch (error) {
      await publisher.close();
      if (error instanceof ShadowdiffError) throw error;
      io.stderr.write(`shadowdiff tap: cannot start: ${(error as Error).message}\n`);
      return 1;
    }
    io.stdout.write(`${tap.url}\n`);
    await new Promise<void>((resolve) => {
      if (io.stopSignal.aborted) resolve();
      else io.stopSignal.addEventListener('abort', () => resolve(), { once: true });
    });
    log('stopping: draining requests and flushing records');
    await tap.close();
    await publisher.close();
    await learning;
    return 0;
  },
};

/**
 * Asks the broker for the taps topic's `max.message.bytes` (now, then every 10 s until it answers
 * or the tap stops) and lowers the record limit to it, so a record never fails at produce for
 * its size. Resolves when learned or stopped.
 */
export async function learnTopicLimit(
  limit: RecordLimit,
  stop: AbortSignal,
  log: (line: string) => void,
  ask: () => Promise<number | undefined>,
  everyMs = 10_000,
): Promise<void> {
  while (!stop.aborted) {
    const topicMax = await ask();
    if (topicMax !== undefined) {
      if (topicMax < limit.bytes) {
        log(`taps topic takes records up to ${topicMax} bytes: larger ones are cut to fit`);
      }
      limit.lowerTo(topicMax);
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, everyMs);
      stop.addEventListener('abort', done, { once: true });
    });
  }
}
