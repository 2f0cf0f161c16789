import type { CommandIo, OptionValues } from '@shadowdiff/contracts';
import { UsageError } from '@shadowdiff/contracts';
import { SEEDED_DRIFT } from './sample-services.js';
import type { ScenarioRun } from './scenario.js';
import { renderSummary } from './summary.js';

export function positiveInt(values: OptionValues, flag: string, fallback: number): number {
  const value = values[flag];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`--${flag} must be a positive whole number, got '${String(value)}'`);
  }
  return n;
}

/** Prints a scenario's outcome (text or --json); then serves until Ctrl-C on a TTY unless --exit. */
export async function reportRun(
  run: ScenarioRun & { service: string },
  values: OptionValues,
  io: CommandIo,
  extra: { metrics: string[]; consoleUrl?: string; facts?: Record<string, unknown> },
): Promise<void> {
  // Only a run that stays up may hand out its console and metrics addresses: after --exit (or on a
  // pipe) they close with the process, and a URL that answers nothing is worse than none.
  const stayUp = values.exit !== true && (io.stdout as { isTTY?: boolean }).isTTY === true;
  if (values.json === true) {
    const out = {
      service: run.service,
      traffic: run.traffic,
      verdicts: run.verdicts,
      routes: run.drift,
      ...(extra.consoleUrl !== undefined && stayUp ? { console: extra.consoleUrl } : {}),
      ...extra.facts,
    };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const clients = Object.entries(run.traffic.statuses)
      .map(([status, n]) => `${n}× ${status}`)
      .join(', ');
    io.stdout.write(renderSummary(run.drift));
    io.stdout.write(
      `${run.verdicts} verdicts from ${run.traffic.sent} requests (clients got: ${clients}).\n`,
    );
    io.stdout.write(
      `Seeded drift: ${SEEDED_DRIFT.map((d) => `${d.route} ${d.kind}:${d.path}`).join('; ')}.\n`,
    );
    if (stayUp) {
      if (extra.consoleUrl !== undefined) io.stdout.write(`Console: ${extra.consoleUrl}\n`);
      for (const url of extra.metrics) io.stdout.write(`Metrics (env="shadow"): ${url}\n`);
    } else if (extra.consoleUrl !== undefined || extra.metrics.length > 0) {
      io.stdout.write(
        `The console and metrics closed with this run (${values.exit === true ? '--exit' : 'output is not a terminal'}); run it in a terminal without --exit to browse them.\n`,
      );
    }
  }
  if (stayUp) {
    const also = extra.consoleUrl !== undefined ? `, console at ${extra.consoleUrl}` : '';
    io.stderr.write(`Tap still listening at ${run.tapUrl}${also} — Ctrl-C to stop.\n`);
    await new Promise<void>((resolve) => {
      if (io.stopSignal.aborted) return resolve();
      io.stopSignal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

export const RUN_OPTIONS = {
  requests: {
    type: 'string',
    short: 'n',
    description: 'requests to drive through the mirror tap (default 2000)',
  },
  concurrency: { type: 'string', description: 'concurrent clients (default 16)' },
  exit: {
    type: 'boolean',
    description: 'exit after the summary instead of serving until Ctrl-C (default when not a TTY)',
  },
  json: { type: 'boolean', description: 'print the drift summary as JSON on stdout' },
} as const;
