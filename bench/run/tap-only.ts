/**
 * The baseline: the mirror tap alone, as `run` starts it (same config, same telemetry), with a
 * publisher that drops the records — the cost of the tap without any judging and without a Kafka
 * client. Prints the tap's URL on stdout.
 *
 *   node tap-only.js <primaryUrl> <shadowUrl> <metricsPort>
 */
import { randomBytes } from 'node:crypto';
import { validateConfig } from '@shadowdiff/contracts';
import { startTelemetry } from '@shadowdiff/cli';
import { startTap } from '@shadowdiff/tap';

const [primary, shadow, metricsPort] = process.argv.slice(2);
const config = validateConfig({
  tap: { mode: 'mirror', primary, shadow, listen: '127.0.0.1:0', adminListen: '127.0.0.1:0' },
  telemetry: { prometheus: { port: Number(metricsPort) } },
});
const telemetry = startTelemetry(config.telemetry, 'shadowdiff-tap', (line) =>
  process.stderr.write(`${line}\n`),
);
const tap = await startTap({
  config,
  publisher: {
    copiesValues: true,
    publish: () => Promise.resolve(),
    close: () => Promise.resolve(),
  },
  meter: telemetry.meter('@shadowdiff/tap'),
  redactKey: randomBytes(32),
  log: () => {},
});
process.stdout.write(`${tap.url}\n`);
process.on('SIGTERM', () => {
  void tap
    .close()
    .then(() => telemetry.shutdown())
    .then(() => process.exit(0));
});
