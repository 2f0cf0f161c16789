import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ShadowdiffError, UsageError } from '@shadowdiff/contracts';
import type { Command } from '@shadowdiff/contracts';
import { awaitKafka, ingestPublisher, ingestRedaction, ingestTapId } from '../kafka-wiring.js';
import { createProgressBar } from '../progress-bar.js';
import { publishRecords } from './publish-records.js';
import { planHarImport } from './plan-har-import.js';
import type { HarImportSummary, HarInput } from './plan-har-import.js';

function readHar(path: unknown, flag: string): HarInput {
  if (typeof path !== 'string' || path === '') {
    throw new UsageError(
      `--${flag} <file.har> is required (import-har --primary a.har --shadow b.har)`,
    );
  }
  try {
    return { file: basename(path), text: readFileSync(path, 'utf8') };
  } catch (error) {
    throw new UsageError(`cannot read --${flag} ${path}: ${(error as Error).message}`);
  }
}

/** The summary line for entries the browser aborted; none when there were none. */
function notCapturedLine(n: HarImportSummary['notCaptured']): string[] {
  const bodies = n.body.primary + n.body.shadow;
  const responses = n.response.primary + n.response.shadow;
  if (bodies + responses === 0) return [];
  const parts: string[] = [];
  if (bodies > 0)
    parts.push(
      `${n.body.primary} primary, ${n.body.shadow} shadow bodies (status and headers judged, bodies not)`,
    );
  if (responses > 0)
    parts.push(
      `${n.response.primary} primary, ${n.response.shadow} shadow responses (${n.pairsLeftOut} pairs left out, not judged)`,
    );
  return [`  body not captured (the browser aborted it): ${parts.join('; ')}`];
}

/** `shadowdiff import-har`: two HAR captures of the same traffic, compared by the fleet. */
export const importHarCommand: Command = {
  name: 'import-har',
  summary:
    'Pair the entries of two HAR files (primary, shadow) and feed them to the pipeline as TapRecords',
  usage: [
    '--primary a.har --shadow b.har [--service NAME] [--run-id ID] [--skip-unpaired] [--json]',
    '',
    'Entries pair by trace header (traceparent trace-id, then x-request-id), else by',
    'method + path + query in file order. Records go to kafka.topics.taps; the worker',
    'judges them like tap traffic. Exit 0 when every record was published, 1 when some',
    'were not, 2 on bad input (a malformed HAR names the entry index and field).',
    'An entry the browser aborted (_failureText / _error, content.size -1, no text) is',
    '"body not captured": judged without its body, or left out with its partner when no',
    'response came at all; the summary counts them.',
  ].join('\n'),
  options: {
    primary: { type: 'string', description: 'HAR file captured against the primary (required)' },
    shadow: { type: 'string', description: 'HAR file captured against the shadow (required)' },
    service: {
      type: 'string',
      description: 'service attribute of the records (default: config service)',
    },
    'run-id': {
      type: 'string',
      description:
        'trace id prefix; reuse one to resume an import without double counting (default: random)',
    },
    'skip-unpaired': {
      type: 'boolean',
      description:
        'do not publish entries without a partner (default: publish them, they become orphans)',
    },
    json: { type: 'boolean', description: 'print the summary as JSON on stdout' },
  },
  overrides: (values) => (typeof values.service === 'string' ? { service: values.service } : {}),
  async run(config, values, _positionals, io) {
    const primary = readHar(values.primary, 'primary');
    const shadow = readHar(values.shadow, 'shadow');
    const runId =
      typeof values['run-id'] === 'string' ? values['run-id'] : randomBytes(6).toString('hex');
    // Parse and pair before touching Kafka: bad input fails fast, with exit 2.
    const plan = planHarImport(primary, shadow, {
      service: config.service,
      runId,
      tapId: ingestTapId('har-import'),
      maxBodyBytes: config.tap.captureBodyBytes,
      includeUnpaired: values['skip-unpaired'] !== true,
    });
    const redact = ingestRedaction(config, io.env);
    const records = plan.records.map(redact);

    const log = (line: string): void => void io.stderr.write(`import-har: ${line}\n`);
    const publisher = ingestPublisher(config, 'import-har', log);
    let published = 0;
    let dropped = 0;
    try {
      await awaitKafka(publisher, config, 15_000);
      const bar = createProgressBar(io.stderr, 'import-har', records.length);
      bar.update(0);
      const stats = await publishRecords(records, publisher, config.kafka.topics.taps, {
        onProgress: (done) => bar.update(done),
        log,
        maxRecordBytes: config.kafka.maxMessageBytes,
      });
      bar.finish();
      published = stats.published;
      dropped = stats.dropped;
    } finally {
      await publisher.close();
    }

    const summary = { runId, ...plan.summary, published, dropped, topic: config.kafka.topics.taps };
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      const s = plan.summary;
      io.stdout.write(
        [
          `imported ${primary.file} (${s.entries.primary} entries) and ${shadow.file} (${s.entries.shadow} entries), run ${runId}`,
          `  pairs: ${s.pairs.total} (traceparent ${s.pairs.traceparent}, x-request-id ${s.pairs['x-request-id']}, method+url+order ${s.pairs['method+url+order']})`,
          `  unpaired: ${s.unpaired.primary} primary, ${s.unpaired.shadow} shadow${values['skip-unpaired'] === true ? ' (skipped)' : ' (published as orphans)'}`,
          ...notCapturedLine(s.notCaptured),
          `  records: ${published} published to ${config.kafka.topics.taps}, ${dropped} not published`,
          '',
        ].join('\n'),
      );
    }
    if (dropped > 0) {
      throw new ShadowdiffError(
        'ERR_TRANSPORT',
        `${dropped} of ${records.length} records were not published`,
      );
    }
    return 0;
  },
};
