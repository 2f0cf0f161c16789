import { hostname } from 'node:os';
import type { Command, CommandIo, OptionValues, ShadowdiffConfig } from '@shadowdiff/contracts';
import { UsageError } from '@shadowdiff/contracts';
import { kafkaSecurity } from '@shadowdiff/connect';
import type { RecordPublisher } from '@shadowdiff/engine';
import { fileRecordTee, startVpcIngest } from '@shadowdiff/ingest';
import { createThreadedKafkaPublisher } from '@shadowdiff/kafka';
import { driftSummary, renderSummary } from '../demo/summary.js';
import { startEmbedded } from '../embedded/pipeline.js';
import type { EmbeddedPipeline } from '../embedded/pipeline.js';
import { settle } from '../run/run-session.js';
import { openVerdictFile } from '../run/verdict-file.js';

function str(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** `--vni 7,8` / `--server-port 80,8080`: numbers the schema then range-checks. */
function numbers(values: OptionValues, name: string): number[] | undefined {
  const v = str(values, name);
  return v === undefined ? undefined : v.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
}

function list(values: OptionValues, name: string): string[] | undefined {
  return str(values, name)
    ?.split(',')
    .map((s) => s.trim());
}

async function run(config: ShadowdiffConfig, values: OptionValues, io: CommandIo): Promise<number> {
  const log = (line: string): void => {
    io.stderr.write(
      `shadowdiff vpc-ingest: ${line.replace(/^(vpc-ingest|tap|worker|console): /, '$1: ')}\n`,
    );
  };
  const embeddedMode = values.embedded === true;
  const meter = io.meter('@shadowdiff/vpc-ingest');
  const verdicts =
    embeddedMode && str(values, 'verdicts-out')
      ? openVerdictFile(str(values, 'verdicts-out')!)
      : undefined;
  let embedded: EmbeddedPipeline | undefined;
  let kafka: ReturnType<typeof createThreadedKafkaPublisher> | undefined;
  let publisher: RecordPublisher;
  if (embeddedMode) {
    embedded = await startEmbedded({
      config,
      meter,
      log,
      env: io.env,
      consoleListenFlag: '--console-listen',
      ...(verdicts ? { onVerdict: (value: Uint8Array) => verdicts.write(value) } : {}),
    });
    publisher = embedded.publisher;
  } else {
    kafka = createThreadedKafkaPublisher({
      brokers: config.kafka.brokers,
      security: kafkaSecurity(config.kafka),
      clientId: `${config.kafka.clientId}-vpc`,
      log,
    });
    publisher = kafka;
  }
  const recordsOut = str(values, 'records-out');
  if (recordsOut !== undefined) publisher = fileRecordTee(recordsOut, publisher);
  const started = Date.now();
  let ingest;
  try {
    ingest = await startVpcIngest({
      config,
      publisher,
      meter,
      env: io.env,
      log,
      tapId: config.tap.tapId ?? `vpc@${hostname()}:${process.pid}`,
      publisherStatus: () =>
        kafka
          ? { kind: 'kafka', brokers: config.kafka.brokers, state: kafka.state }
          : { kind: 'memory', consumer: 'in-process worker' },
    });
  } catch (error) {
    await embedded?.close();
    await publisher.close();
    throw error;
  }
  io.stdout.write(`${ingest.address}\n`);
  if (embedded) log(`console ${embedded.consoleUrl}`);
  log(`health ${ingest.adminUrl}/readyz, counters ${ingest.adminUrl}/stats`);
  await new Promise<void>((resolve) => {
    if (io.stopSignal.aborted) resolve();
    else io.stopSignal.addEventListener('abort', () => resolve(), { once: true });
  });
  log('stopping: ending flows, waiting for replays, flushing records');
  await ingest.close();
  const s = ingest.stats();
  log(
    `${s.vpc.datagrams} datagrams, ${s.vpc.flowsOpened} flows; exchanges ${JSON.stringify(s.vpc.exchanges)}; ` +
      `recorded ${s.records.recorded}, request incomplete ${s.records.requestIncomplete}; ` +
      `not HTTP ${JSON.stringify(s.vpc.notHttp)}; lost ${s.vpc.lostBytes} B, truncated ${s.vpc.truncatedBytes} B`,
  );
  if (embedded) {
    await settle(embedded, config.worker.windowMs + 2_000);
    await embedded.close();
    await verdicts?.close();
    const to = Date.now() + 60_000;
    io.stdout.write(
      renderSummary(await driftSummary(embedded.samples, config.service, started - 60_000, to)),
    );
    if (recordsOut !== undefined) await publisher.close();
  } else {
    await publisher.close();
  }
  return 0;
}

/** `shadowdiff vpc-ingest`: AWS VPC Traffic Mirroring in, primary + replayed shadow records out. */
export const vpcIngestCommand: Command = {
  name: 'vpc-ingest',
  summary:
    'Passive source: receive AWS VPC Traffic Mirroring (VXLAN), reassemble HTTP, record the primary, replay to the shadow',
  usage: [
    '--shadow URL [--listen HOST:PORT] [--vni N,..] [--server-port P,..] [--server-cidr CIDR,..] [--embedded]',
    '',
    'A mirror session copies every packet of the primary’s ENI to this process (UDP 4789, VXLAN):',
    'the primary never waits for anything. Each TCP connection is reassembled in both directions',
    'and read as HTTP/1.1; every exchange becomes a `primary` record, and a request the mirror',
    'policy allows (tap.mirror: safe methods by default, sampling by trace id, in-flight bound) is',
    'replayed to --shadow, whose answer is the `shadow` record. TLS cannot be read: mirror the',
    'ENI behind the TLS terminator (flows seen as TLS are counted). See infra/aws/ for the session.',
    '',
    'Records go to Kafka (kafka.topics.taps), or with --embedded are judged in this process (worker,',
    'console, noise learning, as `shadowdiff run` does). Health, readiness and counters on',
    '--admin-listen (/healthz, /readyz, /stats); metrics shadow.vpc.* and shadow.tap.*.',
    '',
    'Example:',
    '  shadowdiff vpc-ingest --listen 0.0.0.0:4789 --shadow http://10.0.2.15:8080 --server-port 8080',
  ].join('\n'),
  options: {
    listen: {
      type: 'string',
      short: 'l',
      description: 'UDP host:port to receive VXLAN on (default vpc.listen, 0.0.0.0:4789)',
    },
    shadow: { type: 'string', description: 'URL of the service under test (vpc.shadow)' },
    'admin-listen': {
      type: 'string',
      description:
        'host:port for /healthz, /readyz, /stats (default vpc.adminListen, 127.0.0.1:8082)',
    },
    vni: { type: 'string', description: 'VNIs accepted, comma-separated (vpc.vnis; default any)' },
    'server-port': {
      type: 'string',
      description: 'the primary’s port(s), comma-separated (vpc.serverPorts; default any, by SYN)',
    },
    'server-cidr': {
      type: 'string',
      description: 'the primary’s addresses, comma-separated CIDRs (vpc.serverCidrs)',
    },
    service: {
      type: 'string',
      description: 'service name on records and metrics (default config service)',
    },
    percent: {
      type: 'string',
      description: 'percent of requests replayed, by trace-id hash (tap.mirror.percent)',
    },
    embedded: {
      type: 'boolean',
      description:
        'judge in this process (worker and console on in-memory adapters) instead of Kafka',
    },
    'verdicts-out': {
      type: 'string',
      description: '--embedded: append every verdict to FILE (Verdict v1 JSON lines)',
    },
    'records-out': {
      type: 'string',
      description: 'also append every record to FILE as JSON lines (bodies base64)',
    },
    'console-listen': {
      type: 'string',
      description: '--embedded: host:port of the console (default console.listen)',
    },
  },
  overrides(values) {
    const percent = str(values, 'percent');
    const service = str(values, 'service');
    const consoleListen = str(values, 'console-listen');
    return {
      ...(service !== undefined ? { service } : {}),
      ...(consoleListen !== undefined ? { console: { listen: consoleListen } } : {}),
      ...(percent !== undefined ? { tap: { mirror: { percent: Number(percent) } } } : {}),
      vpc: {
        listen: str(values, 'listen'),
        shadow: str(values, 'shadow'),
        adminListen: str(values, 'admin-listen'),
        vnis: numbers(values, 'vni'),
        serverPorts: numbers(values, 'server-port'),
        serverCidrs: list(values, 'server-cidr'),
      },
    };
  },
  run(config, values, positionals, io) {
    if (positionals.length > 0) {
      throw new UsageError(
        `unexpected argument '${positionals[0]}' — every setting is a flag (see shadowdiff vpc-ingest --help)`,
      );
    }
    return run(config, values, io);
  },
};
