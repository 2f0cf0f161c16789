import type { Command, CommandIo, OptionValues, ShadowdiffConfig } from '@shadowdiff/contracts';
import { UsageError, mergeConfig, tapConfigSchema, validateConfig } from '@shadowdiff/contracts';
import { tapCommand } from '@shadowdiff/tap';
import { renderSummary, driftSummary } from '../demo/summary.js';
import { assertCanListen } from '../embedded/listen-probe.js';
import { writeEvidence } from '../embedded/write-report.js';
import { EMBEDDED_OPTIONS, embeddedOverrides } from '../embedded/flags.js';
import { runTotals, progressText, startProgressLine } from './progress-line.js';
import { startRunSession } from './run-session.js';

/** Where `run` takes client traffic unless told: off 8080/8081, which the example services use. */
export const RUN_LISTEN = '127.0.0.1:8090';
const TAP_DEFAULT_LISTEN = '127.0.0.1:8080';
const TAP_DEFAULT_ADMIN = '127.0.0.1:8081';

/** The tap flags `run` shares with `shadowdiff tap` (same names, same config keys). */
const TAP_FLAGS = ['primary', 'shadow', 'listen', 'admin-listen', 'percent', 'service', 'tap-id'];

function str(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function hostPort(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}

/**
 * The config `run` works with: mirror mode, and the tap off the ports the fleet's defaults use
 * (8080 and 8081 are where users' own services often are) unless the file or a flag chose them.
 */
export function runConfig(config: ShadowdiffConfig, values: OptionValues): ShadowdiffConfig {
  const listen =
    str(values, 'listen') ?? (config.tap.listen === TAP_DEFAULT_LISTEN ? RUN_LISTEN : undefined);
  const adminListen =
    str(values, 'admin-listen') ??
    (config.tap.adminListen === TAP_DEFAULT_ADMIN ? '127.0.0.1:0' : undefined);
  const out = validateConfig(
    mergeConfig(config, {
      tap: {
        mode: 'mirror',
        ...(listen !== undefined ? { listen } : {}),
        ...(adminListen !== undefined ? { adminListen } : {}),
      },
    }),
    'run config',
  );
  const missing = (['primary', 'shadow'] as const).filter((k) => out.tap[k] === undefined);
  if (missing.length > 0) {
    // Before anything binds a port: the one thing `run` cannot guess.
    throw new UsageError(
      `${missing.map((k) => `tap.${k}`).join(', ')}: mirror mode needs both services — set them or pass ${missing.map((k) => `--${k} http://host:port`).join(' ')}`,
    );
  }
  const tapAt = String(out.tap.listen).replace(/^:/, '127.0.0.1:');
  for (const side of ['primary', 'shadow'] as const) {
    if (hostPort(out.tap[side]) === tapAt) {
      throw new UsageError(
        `tap.listen ${tapAt} is the ${side}'s own address (${String(out.tap[side])}) — pass --listen with another host:port`,
      );
    }
  }
  return out;
}

async function run(config: ShadowdiffConfig, values: OptionValues, io: CommandIo): Promise<number> {
  const log = (line: string): void => {
    io.stderr.write(`shadowdiff run: ${line.replace(/^(tap|worker|console): /, '$1: ')}\n`);
  };
  const prom = config.telemetry.prometheus;
  if (prom.enabled) {
    await assertCanListen(prom.host, prom.port, 'telemetry.prometheus.port', '--metrics-port');
  }
  const session = await startRunSession({
    config,
    meter: io.meter('@shadowdiff/run'),
    log,
    env: io.env,
    ...(str(values, 'verdicts-out') ? { verdictsOut: str(values, 'verdicts-out') } : {}),
    ...(str(values, 'state') ? { stateDir: str(values, 'state') } : {}),
  });
  const { tap, embedded } = session;
  if (session.resumed) {
    const r = session.resumed;
    log(
      `state: resumed from ${str(values, 'state')}: ${r.routes} routes, ${r.noiseEntries} noise entries, ${r.decisions} noise decisions`,
    );
  }
  io.stderr.write(
    [
      `shadowdiff run: send your traffic to ${tap.url}`,
      `  clients get the answers of ${String(config.tap.primary)}; mirrored requests (${config.tap.mirror.methods.join(', ')}) also go to ${String(config.tap.shadow)} and are judged here`,
      `  console ${embedded.consoleUrl}` +
        (prom.enabled ? `  ·  metrics http://${prom.host}:${prom.port}/metrics` : ''),
      '  Ctrl-C to stop and print the drift table.',
      '',
    ].join('\n'),
  );
  io.stdout.write(`${tap.url}\n`);
  const from = session.resumed ? session.started - 7 * 24 * 3_600_000 : session.started - 60_000;
  const totals = () => runTotals(embedded.samples, config.service, from, Date.now() + 60_000);
  const progress = startProgressLine(io.stderr, totals);
  await new Promise<void>((resolve) => {
    if (io.stopSignal.aborted) resolve();
    else io.stopSignal.addEventListener('abort', () => resolve(), { once: true });
  });
  progress.stop();
  log('stopping: finishing requests in flight and judging what they produced');
  await session.stop();
  const to = Date.now() + 60_000;
  io.stdout.write(renderSummary(await driftSummary(embedded.samples, config.service, from, to)));
  io.stdout.write(`${progressText(await totals())}\n`);
  const report = str(values, 'report');
  if (report !== undefined) {
    try {
      log(
        await writeEvidence(
          report,
          { samples: embedded.samples, noise: embedded.consoleNoise },
          config,
          { from, to },
          Date.now(),
        ),
      );
    } catch (error) {
      log((error as Error).message);
      return 1;
    }
  }
  return 0;
}

/** `shadowdiff run`: the mirror tap and the whole pipeline in one process, for your own services. */
export const runCommand: Command = {
  name: 'run',
  summary:
    'Mirror your own services through one process: tap, in-memory worker, noise learning, console, metrics (no Kafka/Redis)',
  usage: [
    '--primary URL --shadow URL [--listen HOST:PORT] [--verdicts-out FILE] [--state DIR] [--report FILE]',
    '',
    'Point your clients (or a load generator) at the tap; they get the primary’s answers, while safe',
    'requests (GET, HEAD, OPTIONS — tap.mirror.methods) are mirrored to the shadow and judged in this',
    'process, with noise (timestamps, request ids, …) learned as traffic flows. Nothing is sent to',
    'Kafka or Redis. Ctrl-C finishes what is in flight, prints the drift table per route and, with',
    '--report, writes the evidence package (Markdown, or HTML / JSON by the file extension).',
    '',
    'Example:',
    '  shadowdiff run --primary http://127.0.0.1:8080 --shadow http://127.0.0.1:8081 \\',
    '      --state .shadowdiff --verdicts-out verdicts.jsonl --report evidence.md',
    '  curl http://127.0.0.1:8090/orders/42      # then browse the console at http://127.0.0.1:8088',
    '',
    `The tap listens on ${RUN_LISTEN} unless --listen or tap.listen says otherwise; its health`,
    'endpoints on a free port (--admin-listen). The config file (--config) is the fleet’s: mirror',
    'policy (tap.mirror), redaction (tap.redact), rules and noise settings apply as they do there.',
    '--state DIR keeps learned noise, noise decisions and route statistics (saved every 10 s and on',
    'exit), so a restart resumes where it stopped.',
  ].join('\n'),
  options: {
    ...Object.fromEntries(TAP_FLAGS.map((name) => [name, tapCommand.options[name]!] as const)),
    listen: {
      type: 'string',
      short: 'l',
      description: `host:port for clients (default ${RUN_LISTEN}, or tap.listen when the file sets it)`,
    },
    'admin-listen': {
      type: 'string',
      description: 'host:port for /healthz and /readyz (default: a free port, shown at start)',
    },
    secondary: {
      type: 'string',
      description:
        'URL of a second primary instance, for Diffy-style noise cancelling (tap.secondary)',
    },
    'verdicts-out': {
      type: 'string',
      description: 'append every verdict to FILE as it is decided (Verdict v1 JSON, one per line)',
    },
    state: {
      type: 'string',
      description:
        'directory keeping learned noise, decisions and route statistics across restarts',
    },
    ...EMBEDDED_OPTIONS,
  },
  overrides(values) {
    const secondary = str(values, 'secondary');
    if (secondary !== undefined && !('secondary' in tapConfigSchema.shape)) {
      throw new UsageError(
        '--secondary sets tap.secondary, which this build does not have yet (the tap cannot send to a secondary) — drop --secondary',
      );
    }
    const tap = tapCommand.overrides!({ ...values, mode: 'mirror' });
    return mergeConfig(
      mergeConfig(tap, secondary !== undefined ? { tap: { secondary } } : {}),
      embeddedOverrides(values),
    ) as Record<string, unknown>;
  },
  run(config, values, positionals, io) {
    if (positionals.length > 0) {
      throw new UsageError(
        `unexpected argument '${positionals[0]}' — pass the services as --primary URL --shadow URL`,
      );
    }
    return run(runConfig(config, values), values, io);
  },
};
