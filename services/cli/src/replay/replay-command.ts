import { readFileSync } from 'node:fs';
import { UsageError, mergeConfig, validateConfig } from '@shadowdiff/contracts';
import type { Command, CommandIo, OptionValues, ShadowdiffConfig } from '@shadowdiff/contracts';
import { GATE_EXIT, gateCommand } from '@shadowdiff/console';
import { ingestRedaction } from '@shadowdiff/ingest';
import { positiveInt } from '../demo/report-run.js';
import { readCapture } from './capture.js';
import type { Capture } from './capture.js';
import { startEmbeddedJudge } from './embedded-judge.js';
import { checkGateFlags, judgeReplay, printReplay, writeReplayReport } from './replay-outcome.js';
import { replayCapture } from './replay-run.js';

const USAGE = [
  '--from FILE --primary URL --shadow URL [--secondary URL] [--report FILE]',
  '       [--origin URL|any] [--concurrency N] [--rate N/s] [--allow-writes]',
  '       [--max-diff-rate 0.5%] [--min-pairs 100] [--route R] [--max-p99-ratio 1.2] [--json]',
  '',
  'The CI form of shadowdiff ("shadow before canary"): reads the requests of a HAR file or a',
  'GoReplay capture (`gor --output-file`, .gor), sends each to the primary and the shadow (and the',
  'secondary, which turns on noise.secondary), judges them in this process on the in-memory',
  'adapters (no Kafka, no Redis), prints the drift table, writes --report, and exits as',
  '`shadowdiff gate` does:',
  '  0 pass   1 fail (diff rate over --max-diff-rate, or p99 ratio)   2 not enough evidence',
  '(a primary that answers none of the requests is no evidence: 2; a shadow that answers none fails).',
  '',
  'Only GET, HEAD and OPTIONS (tap.mirror.methods) are sent unless --allow-writes, which sends',
  'writes to every side, the primary included. A malformed entry is named (HAR entry index,',
  'GoReplay block and line) and skipped; skipped and malformed requests are counted in the summary.',
  "From a HAR, only the requests sent to the first entry's origin (the page) are replayed unless",
  '--origin says another, or any. The report format follows the file name: .html, .json, else',
  'Markdown.',
  '',
  'Example:',
  '  shadowdiff replay --from traffic.har --primary http://localhost:8080 \\',
  '    --shadow http://localhost:8081 --max-diff-rate 1% --min-pairs 50 --report evidence.md',
].join('\n');

const DEFAULT_MAX_DIFF_RATE = '0.5%';
const DEFAULT_MIN_PAIRS = '100';

function url(values: OptionValues, flag: string, required: boolean): URL | undefined {
  const value = values[flag];
  if (value === undefined || value === '') {
    if (!required) return undefined;
    throw new UsageError(`--${flag} URL is required, e.g. --${flag} http://127.0.0.1:8080`);
  }
  const text = String(value);
  const parsed = URL.canParse(text) ? new URL(text) : undefined;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new UsageError(
      `--${flag} must be an http(s) URL such as http://127.0.0.1:8080, got '${text}'`,
    );
  }
  return parsed;
}

/** `--rate 50/s` or `--rate 50`: requests per second, > 0. */
export function parseRequestRate(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*s)?\s*$/.exec(text);
  const n = match ? Number(match[1]) : Number.NaN;
  if (!(n > 0)) {
    throw new UsageError(`--rate expects requests per second such as 50/s or 50, got '${text}'`);
  }
  return n;
}

/**
 * Which recorded origin a HAR is replayed for: `--origin URL`, `--origin any` for all, by default
 * the origin of its first entry (the page). A page's third-party requests (CDN, analytics) are not
 * the service under test. GoReplay captures have no origin: every request is replayed.
 */
function originFilter(values: OptionValues, capture: Capture): string | undefined {
  if (capture.format !== 'har') return undefined;
  const flag = values.origin;
  if (flag === 'any') return undefined;
  if (typeof flag === 'string') {
    if (!URL.canParse(flag)) {
      throw new UsageError(
        `--origin must be a URL such as https://shop.example, or 'any', got '${flag}'`,
      );
    }
    return new URL(flag).origin;
  }
  return capture.requests[0]?.origin;
}

function readFrom(values: OptionValues): { path: string; bytes: Buffer } {
  const path = values.from;
  if (typeof path !== 'string' || path === '') {
    throw new UsageError('--from FILE is required: a HAR file (.har) or a GoReplay capture (.gor)');
  }
  try {
    return { path, bytes: readFileSync(path) };
  } catch (error) {
    throw new UsageError(`cannot read --from ${path}: ${(error as Error).message}`);
  }
}

async function run(config: ShadowdiffConfig, values: OptionValues, io: CommandIo) {
  const targets = {
    primary: url(values, 'primary', true)!,
    shadow: url(values, 'shadow', true)!,
  };
  const secondary = url(values, 'secondary', false);
  const concurrency = positiveInt(values, 'concurrency', 8);
  const rate = typeof values.rate === 'string' ? parseRequestRate(values.rate) : undefined;
  const gateValues = {
    'max-diff-rate': DEFAULT_MAX_DIFF_RATE,
    'min-pairs': DEFAULT_MIN_PAIRS,
    ...values,
  };
  // Bad gate flags fail before anything is sent.
  checkGateFlags(gateValues, config.service);
  const { path, bytes } = readFrom(values);
  const capture = readCapture(path, bytes);
  const log = (line: string) => io.stderr.write(`shadowdiff replay: ${line}\n`);
  const shown = capture.malformed.slice(0, 20);
  for (const m of shown) log(`skipped ${capture.file} ${m.where}: ${m.reason}`);
  if (capture.malformed.length > shown.length) {
    log(`… and ${capture.malformed.length - shown.length} more malformed entries`);
  }

  const origin = originFilter(values, capture);
  if (origin !== undefined) log(`replaying the requests ${capture.file} sent to ${origin}`);
  const runConfig = validateConfig(
    mergeConfig(config, {
      // Every side of a request is sent before the next: a short window only bounds a lost side.
      // The roles are the sides given: a config that expects a secondary must not orphan every
      // pair of a replay without --secondary.
      worker: {
        windowMs: Math.min(config.worker.windowMs, 3_000),
        roles: secondary ? ['primary', 'shadow', 'secondary'] : ['primary', 'shadow'],
      },
      noise: { secondary: { enabled: secondary !== undefined } },
    }),
    'replay config',
  );
  const judge = await startEmbeddedJudge(runConfig, log);
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      await judge.stop();
    }
  };
  try {
    const result = await replayCapture({
      config: runConfig,
      capture,
      targets: secondary ? { ...targets, secondary } : targets,
      concurrency,
      ...(rate !== undefined ? { ratePerSecond: rate } : {}),
      allowWrites: values['allow-writes'] === true,
      ...(origin !== undefined ? { origin } : {}),
      judge,
      redact: ingestRedaction(runConfig, io.env),
      progress: io.stderr,
      signal: io.stopSignal,
    });
    // Stopping drains the worker's sample writes: the statistics read next are complete.
    await stop();
    for (const [role, n] of Object.entries(result.counts.failed)) {
      if (n !== result.counts.sent) continue;
      const target = role === 'secondary' ? secondary : targets[role as 'primary' | 'shadow'];
      log(
        `--${role} ${target?.origin ?? ''} answered none of the ${n} requests (${result.counts.firstFailure[role as 'primary']}) — is it up, and is the URL right?`,
      );
    }
    const outcome = await judgeReplay(runConfig, gateValues, judge, result);
    printReplay(io, values, capture, result, outcome);
    if (typeof values.report === 'string' && values.report !== '') {
      // Evidence asked for but not written is never a pass.
      if (!(await writeReplayReport(values.report, runConfig, judge, result, log))) return 1;
    }
    if (result.counts.sent > 0 && result.counts.failed.primary === result.counts.sent) {
      log(
        'no baseline to judge the shadow against: exit 2 (not enough evidence), whatever the gate says',
      );
      return GATE_EXIT.insufficient;
    }
    return outcome.gate.exitCode;
  } finally {
    await stop();
  }
}

/** `shadowdiff replay`: replay a capture to both sides, judge in-process, gate in one command. */
export const replayCommand: Command = {
  name: 'replay',
  summary:
    'Replay a HAR or GoReplay capture to primary and shadow, judge in-process, gate (exit 0/1/2)',
  usage: USAGE,
  options: {
    from: { type: 'string', description: 'HAR file (.har) or GoReplay capture (.gor); required' },
    primary: { type: 'string', description: 'base URL of the current version; required' },
    shadow: { type: 'string', description: 'base URL of the version under test; required' },
    secondary: {
      type: 'string',
      description: 'base URL of a second primary instance: its diffs are noise (Diffy-style)',
    },
    report: {
      type: 'string',
      description: 'write the evidence package here (.html, .json, else Markdown)',
    },
    origin: {
      type: 'string',
      description:
        "HAR: replay the requests sent to this origin only; 'any' for all (default: the first entry's)",
    },
    concurrency: { type: 'string', description: 'requests in flight (default 8)' },
    rate: { type: 'string', description: 'at most this many requests per second, e.g. 50/s' },
    'allow-writes': {
      type: 'boolean',
      description: 'also send POST, PUT, PATCH, DELETE … (to every side; default: safe methods)',
    },
    'max-diff-rate': {
      type: 'string',
      description: `highest acceptable diff rate, e.g. 1% or 0.01 (default ${DEFAULT_MAX_DIFF_RATE})`,
    },
    'min-pairs': {
      type: 'string',
      description: `compared pairs needed to decide; fewer gives exit 2 (default ${DEFAULT_MIN_PAIRS})`,
    },
    route: gateCommand.options.route!,
    'max-p99-ratio': gateCommand.options['max-p99-ratio']!,
    json: {
      type: 'boolean',
      description: 'print counts, drift and the gate decision as JSON on stdout',
    },
  },
  run: (config, values, _positionals, io) => run(config, values, io),
};
