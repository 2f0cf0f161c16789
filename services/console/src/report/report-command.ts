import { writeFileSync } from 'node:fs';
import { ShadowdiffError, UsageError } from '@shadowdiff/contracts';
import type { Command, CommandIo, OptionValues, ShadowdiffConfig } from '@shadowdiff/contracts';
import { ConsoleData } from '../api/console-data.js';
import { MAX_RANGE_MS } from '../api/query.js';
import { createFleetStores } from '../cli/fleet-stores.js';
import type { FleetStores } from '../cli/fleet-stores.js';
import { str } from '../cli/option-values.js';
import { parseTime } from '../cli/parse-flags.js';
import { progressReporter } from '../cli/progress.js';
import { buildEvidence } from './evidence.js';
import type { EvidenceReport } from './evidence.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { redactUrl } from '@shadowdiff/connect';

export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(report: EvidenceReport, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

export interface ReportRequest {
  from: number;
  to: number;
  format: ReportFormat;
  out?: string;
}

export function reportRequest(values: OptionValues, now: number): ReportRequest {
  const to = parseTime('to', str(values, 'to') ?? 'now', now);
  const from = parseTime('from', str(values, 'from') ?? '24h', to);
  if (from >= to) {
    throw new UsageError(
      `--from must be before --to (got ${new Date(from).toISOString()} .. ${new Date(to).toISOString()})`,
    );
  }
  if (to - from > MAX_RANGE_MS)
    throw new UsageError('--from .. --to spans more than 31 days; statistics are kept 30 days');
  const format = str(values, 'format') ?? 'md';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got '${format}'`);
  }
  const out = str(values, 'out');
  return { from, to, format: format as ReportFormat, ...(out !== undefined ? { out } : {}) };
}

/**
 * An empty report's note: where its data would have come from (the Redis the workers write, the
 * key prefix and service the config names), which services that Redis does hold under the prefix,
 * and that an in-memory run keeps nothing there.
 */
export function emptyReportNote(config: ShadowdiffConfig, otherServices: string[]): string {
  const others =
    otherServices.length > 0
      ? ` That Redis holds data under ${config.redis.keyPrefix} for service ${otherServices.slice(0, 5).join(', ')}: set service in the config to read it.`
      : '';
  return (
    `No data for service ${config.service}: this report reads the statistics shadowdiff workers write to Redis ${config.redis.url}, keys under ${config.redis.keyPrefix} (redis.url or $REDIS_URL, redis.keyPrefix and service in the config).${others}` +
    ' An in-memory run (shadowdiff demo) keeps its statistics in its own process, none in Redis: nothing of it can be read here; `shadowdiff up` prints a --config file naming its run.'
  );
}

/** Services other than the config's that have routes in the store (for the empty report's note). */
async function otherServicesIn(stores: FleetStores, service: string): Promise<string[]> {
  try {
    const routes = await stores.samples.routes();
    return [...new Set(routes.map((r) => r.service))].filter((s) => s !== service).sort();
  } catch {
    return [];
  }
}

async function run(config: ShadowdiffConfig, values: OptionValues, io: CommandIo): Promise<number> {
  const now = Date.now();
  const request = reportRequest(values, now);
  const log = (line: string) => io.stderr.write(`shadowdiff report: ${line}\n`);
  const stores = createFleetStores(config, log);
  try {
    const progress = progressReporter(io.stderr, 'shadowdiff report: reading examples');
    let report: EvidenceReport;
    try {
      report = await buildEvidence(
        new ConsoleData(stores.samples, stores.noise),
        config,
        { from: request.from, to: request.to },
        now,
        (done, total) => progress.update(done, total),
        // Best effort: without them the Source section says it shows the config's window.
        (await stores.workerFacts?.(config.service).catch(() => [])) ?? [],
      );
    } catch (error) {
      if (error instanceof ShadowdiffError && error.code !== 'ERR_STORE') throw error;
      log(
        `cannot read the evidence from ${redactUrl(config.redis.url)}: ${(error as Error)?.message ?? String(error)} — is Redis up? (redis.url in the config, or $REDIS_URL)`,
      );
      return 1;
    }
    progress.finish();
    if (report.routes.length === 0) {
      const note = emptyReportNote(config, await otherServicesIn(stores, config.service));
      report.gaps.notes.unshift(note);
      log(note);
    }
    const text = renderReport(report, request.format);
    if (request.out !== undefined) {
      try {
        writeFileSync(request.out, text);
      } catch (error) {
        log(
          `cannot write ${request.out}: ${(error as Error).message} — pass --out a writable path`,
        );
        return 1;
      }
      log(
        `wrote ${request.out} (${report.routes.length} routes, ${report.totals.compared} compared pairs)`,
      );
    } else {
      io.stdout.write(text);
    }
    return 0;
  } finally {
    await stores.close();
  }
}

/** `shadowdiff report`: the evidence package a reviewer needs to close a shadow experiment. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'Write the evidence package (coverage, diff rates with intervals, drift, latency, gaps)',
  usage: [
    '[--from <time>] [--to <time>] [--format md|html|json] [--out FILE]',
    '',
    'Times: now, an ISO date-time (2026-11-26T10:00:00Z), epoch ms, or a duration ago (24h, -30m).',
    'Default: the last 24 hours, Markdown on stdout.',
    '',
    'Examples:',
    '  shadowdiff report --from 2026-11-25T00:00:00Z --to 2026-11-26T00:00:00Z --format html --out evidence.html',
    '  shadowdiff report --from 6h --format json | jq .totals',
  ].join('\n'),
  options: {
    from: { type: 'string', description: 'start of the range (default 24h before --to)' },
    to: { type: 'string', description: 'end of the range (default now)' },
    format: { type: 'string', description: 'md (default), html (self-contained page) or json' },
    out: { type: 'string', description: 'write to this file instead of stdout' },
  },
  run: (config, values, _positionals, io) => run(config, values, io),
};
