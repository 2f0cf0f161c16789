import type { CommandIo, OptionValues, ShadowdiffConfig } from '@shadowdiff/contracts';
import { ConsoleData, formatGate, gateRequest, runGate } from '@shadowdiff/console';
import type { GateReport, TimeRange } from '@shadowdiff/console';
import { driftSummary, renderSummary } from '../demo/summary.js';
import type { RouteDrift } from '../demo/summary.js';
import { writeEvidence } from '../embedded/write-report.js';
import type { Capture } from './capture.js';
import type { EmbeddedJudge } from './embedded-judge.js';
import { SKIP_LABELS } from './replay-run.js';
import type { ReplayResult, ReplaySkip } from './replay-run.js';

export interface ReplayOutcome {
  drift: RouteDrift[];
  gate: GateReport;
}

/** The run's statistics range: from the first request sent to the last verdict, and a second. */
function runRange(result: ReplayResult): TimeRange {
  return { from: result.startedAt - 1_000, to: result.finishedAt + 1_000 };
}

/** Checks the gate flags (throws a UsageError naming the bad one) before anything is sent. */
export function checkGateFlags(values: OptionValues, service: string): void {
  gateRequest(values, service, Date.now());
}

/** The drift table and the gate's decision over exactly this run's verdicts. */
export async function judgeReplay(
  config: ShadowdiffConfig,
  values: OptionValues,
  judge: EmbeddedJudge,
  result: ReplayResult,
): Promise<ReplayOutcome> {
  const range = runRange(result);
  const drift = await driftSummary(judge.samples, config.service, range.from, range.to);
  const gate = await runGate(new ConsoleData(judge.samples, judge.noise), {
    ...gateRequest(values, config.service, range.to),
    windowMs: range.to - range.from,
    now: range.to,
  });
  return { drift, gate };
}

function countsLine(capture: Capture, result: ReplayResult): string {
  const c = result.counts;
  const parts = [`${c.sent} of ${c.requests} requests replayed from ${capture.file}`];
  for (const [reason, n] of Object.entries(c.skipped)) {
    if (n > 0) parts.push(`${n} skipped: ${SKIP_LABELS[reason as ReplaySkip]}`);
  }
  if (c.malformed > 0) parts.push(`${c.malformed} malformed entries skipped (named on stderr)`);
  if (capture.responsesIgnored > 0) {
    parts.push(`${capture.responsesIgnored} recorded responses not replayed`);
  }
  for (const [role, n] of Object.entries(c.failed)) parts.push(`${n} got no answer from ${role}`);
  if (c.notSent > 0) parts.push(`${c.notSent} not sent (stopped)`);
  return `${parts.join('; ')}. ${result.verdicts} verdicts.\n`;
}

export function printReplay(
  io: CommandIo,
  values: OptionValues,
  capture: Capture,
  result: ReplayResult,
  outcome: ReplayOutcome,
): void {
  if (values.json === true) {
    const out = {
      file: capture.file,
      format: capture.format,
      counts: { ...result.counts, responsesIgnored: capture.responsesIgnored },
      malformed: capture.malformed,
      verdicts: result.verdicts,
      routes: outcome.drift,
      gate: outcome.gate,
    };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  io.stdout.write(renderSummary(outcome.drift));
  io.stdout.write(countsLine(capture, result));
  io.stdout.write('\n');
  io.stdout.write(formatGate(outcome.gate));
}

/** The evidence package of this run, as `shadowdiff report` writes it; false when it could not. */
export async function writeReplayReport(
  file: string,
  config: ShadowdiffConfig,
  judge: EmbeddedJudge,
  result: ReplayResult,
  log: (line: string) => void,
): Promise<boolean> {
  try {
    log(await writeEvidence(file, judge, config, runRange(result), Date.now()));
    return true;
  } catch (error) {
    log((error as Error).message);
    return false;
  }
}
