import { UsageError } from '@shadowdiff/contracts';
import type { Command, CommandIo, OptionValues, ShadowdiffConfig } from '@shadowdiff/contracts';
import { LATENCY_DRIFT_DEFAULTS } from '@shadowdiff/engine';
import { ConsoleData } from '../api/console-data.js';
import { createFleetStores } from '../cli/fleet-stores.js';
import { flag, requiredStr, str } from '../cli/option-values.js';
import { parseCount, parseDuration, parseRate, parseRatio } from '../cli/parse-flags.js';
import { FAIL_ON_SEVERITIES, GATE_EXIT } from './gate-decision.js';
import type { FailOnSeverity } from './gate-decision.js';
import { formatGate } from './gate-format.js';
import type { GateReport } from './gate-format.js';
import { runGate } from './run-gate.js';
import type { GateRequest } from './run-gate.js';
import { redactUrl } from '@shadowdiff/connect';

/** Default evidence window of the gate. */
export const DEFAULT_GATE_WINDOW = '15m';

/** Parses and checks the gate's flags (every bad value names its flag and the expected form). */
export function gateRequest(values: OptionValues, service: string, now: number): GateRequest {
  const maxDiffRate = parseRate('max-diff-rate', requiredStr(values, 'max-diff-rate', '0.5%'));
  const minPairs = parseCount('min-pairs', requiredStr(values, 'min-pairs', '500'));
  const windowMs = parseDuration('window', str(values, 'window') ?? DEFAULT_GATE_WINDOW);
  const ratio = str(values, 'max-p99-ratio');
  const latencyRatio = str(values, 'max-latency-ratio');
  const failOn = str(values, 'fail-on');
  if (failOn !== undefined && !(FAIL_ON_SEVERITIES as readonly string[]).includes(failOn)) {
    throw new UsageError(
      `--fail-on expects one of ${FAIL_ON_SEVERITIES.join(', ')} (fail on any finding that severe or worse), got '${failOn}'`,
    );
  }
  const route = str(values, 'route');
  return {
    service,
    maxDiffRate,
    minPairs,
    windowMs,
    now,
    ...(ratio !== undefined ? { maxP99Ratio: parseRatio('max-p99-ratio', ratio) } : {}),
    ...(latencyRatio !== undefined
      ? { maxLatencyRatio: parseRatio('max-latency-ratio', latencyRatio) }
      : {}),
    ...(failOn !== undefined ? { failOn: failOn as FailOnSeverity } : {}),
    ...(route !== undefined ? { route } : {}),
  };
}

async function run(config: ShadowdiffConfig, values: OptionValues, io: CommandIo): Promise<number> {
  const request = gateRequest(values, config.service, Date.now());
  const stores = createFleetStores(config, (line) => io.stderr.write(`shadowdiff gate: ${line}\n`));
  let report: GateReport;
  try {
    report = await runGate(new ConsoleData(stores.samples, stores.noise), request);
  } catch (error) {
    // No evidence could be read (Redis away): that is "not enough evidence", never a pass, and not
    // a verdict on the shadow either — a rollout step retries exit 2 (see the README).
    io.stderr.write(
      `shadowdiff gate: cannot read the statistics from ${redactUrl(config.redis.url)}: ${(error as Error)?.message ?? String(error)}\n`,
    );
    return GATE_EXIT.insufficient;
  } finally {
    await stores.close();
  }
  io.stdout.write(
    flag(values, 'json') ? `${JSON.stringify(report, null, 2)}\n` : formatGate(report),
  );
  return report.exitCode;
}

/** `shadowdiff gate`: a rollout step's pass / fail / not-enough-evidence over the last window. */
export const gateCommand: Command = {
  name: 'gate',
  summary: 'Pass or fail a rollout on shadow evidence: exit 0 pass, 1 fail, 2 not enough evidence',
  usage: [
    '--max-diff-rate <rate> --min-pairs <n> [--route R] [--window 15m] [--max-p99-ratio 1.2]',
    '  [--max-latency-ratio 1.5] [--fail-on critical|major|minor] [--json]',
    '',
    "Reads the fleet statistics in Redis (redis.url) for the config's service over the last",
    '--window and decides:',
    '  fail (1)                when the diff rate (diff / compared pairs) is over --max-diff-rate,',
    '                          or shadow p99 / primary p99 is over --max-p99-ratio; also before',
    "                          --min-pairs when even the 95% interval's low end is over the limit;",
    '                          when a route is significantly slower on the same requests than',
    `                          --max-latency-ratio (median paired ratio, and >= ${LATENCY_DRIFT_DEFAULTS.minDeltaMs} ms, over >= ${LATENCY_DRIFT_DEFAULTS.minPairs} pairs);`,
    '                          or on any finding as severe as --fail-on, at any rate',
    '  not enough evidence (2) fewer than --min-pairs compared pairs in the window',
    '  pass (0)                otherwise',
    'Without --route every route of the service is summed (latency and severity: any route fails).',
    'Pairs judged before a path was learned or confirmed as noise are recounted with it.',
    '',
    'Examples:',
    '  shadowdiff gate --max-diff-rate 0.5% --min-pairs 500',
    "  shadowdiff gate --max-diff-rate 1% --min-pairs 200 --route 'GET /orders/{id}' --window 30m --json",
    '  shadowdiff gate --max-diff-rate 0.5% --min-pairs 500 --max-p99-ratio 1.2   # latency too',
    '  shadowdiff gate --max-diff-rate 1% --min-pairs 500 --fail-on critical --max-latency-ratio 1.5',
    '',
    'As an Argo Rollouts analysis step: see services/console/README.md.',
  ].join('\n'),
  options: {
    'max-diff-rate': {
      type: 'string',
      description:
        'highest acceptable diff rate, as a percentage (0.5%) or fraction (0.005); required',
    },
    'min-pairs': {
      type: 'string',
      description: 'compared pairs needed to decide; fewer gives exit 2; required',
    },
    route: {
      type: 'string',
      description: "gate one templated route, e.g. 'GET /orders/{id}' (default: all)",
    },
    window: {
      type: 'string',
      description: `evidence window ending now, e.g. 15m, 1h (default ${DEFAULT_GATE_WINDOW})`,
    },
    'max-p99-ratio': {
      type: 'string',
      description: 'highest acceptable shadow p99 / primary p99, e.g. 1.2 (default: not checked)',
    },
    'max-latency-ratio': {
      type: 'string',
      description: `fail when a route's shadow is this many times slower than the primary on the same requests, e.g. ${LATENCY_DRIFT_DEFAULTS.ratio} (default: not checked)`,
    },
    'fail-on': {
      type: 'string',
      description:
        'fail on any finding of this severity or worse, whatever the rate: critical (a 2xx became 5xx), major or minor (default: not checked)',
    },
    json: { type: 'boolean', description: 'print the decision and its evidence as JSON' },
  },
  run: (config, values, _positionals, io) => run(config, values, io),
};
