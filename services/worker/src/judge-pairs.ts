import { judge, pairRecords } from '@shadowdiff/engine';
import type {
  CompiledRules,
  HalfSet,
  JudgeDecision,
  JudgeInput,
  OutboundMessage,
} from '@shadowdiff/engine';
import type { Verdict } from '@shadowdiff/contracts';
import type { ShadowMetrics } from '@shadowdiff/telemetry';
import type { Judged } from './emitter.js';
import { guardJudge, JUDGE_ERROR_CODE, poisonPairMessages } from './judge-guard.js';
import type { PairNoise } from './noise-runtime.js';
import type { ThrottledLog } from './worker-log.js';

export interface JudgeStageContext {
  rules: CompiledRules;
  /** Epoch ms: every verdict's `decidedAt`, and the end of each pair's lag. */
  now: number;
  /** Learned noise: judges with it and feeds it every pair. */
  noise: PairNoise | undefined;
  log: ThrottledLog;
  metrics: ShadowMetrics;
  dlqTopic: string;
}

/** What the judge stage gives: verdicts, and the DLQ copies of pairs whose judging threw. */
export interface JudgeStageResult {
  judged: Judged[];
  dlq: OutboundMessage[];
}

/** A pair's records from its halves, logging stored halves that no longer decode. */
export function recordsOf(
  halves: HalfSet,
  known: JudgeDecision['known'],
  ctx: Pick<JudgeStageContext, 'rules' | 'log'>,
): ReturnType<typeof pairRecords> {
  const pair = pairRecords(halves, known, ctx.rules);
  for (const { role, error } of pair.undecodable) {
    ctx.log.line('stored', `worker: a stored ${role} half no longer decodes: ${error.message}`);
  }
  return pair;
}

/**
 * Judges one trace (with learned noise, and feeding it, when `learn`), on the route in `input`.
 * A throw sends the trace's halves to `dlq` with the reason instead of failing the batch, and
 * gives undefined.
 */
export function judgeTrace(
  input: JudgeInput,
  halves: HalfSet,
  ctx: JudgeStageContext,
  dlq: OutboundMessage[],
  learn: boolean,
): Verdict | undefined {
  const guarded = guardJudge(() => {
    const noise = learn ? ctx.noise?.filterFor(input.service) : undefined;
    const verdict = judge(input, { rules: ctx.rules, now: ctx.now, noise });
    if (learn) ctx.noise?.observe(verdict, input.records, input.route);
    return verdict;
  });
  if (guarded.ok) return guarded.verdict;
  ctx.metrics.recordDlq(input.service, JUDGE_ERROR_CODE);
  ctx.log.line('judge', `worker: trace ${input.traceId} to the DLQ: ${guarded.reason}`);
  dlq.push(...poisonPairMessages(ctx.dlqTopic, input.traceId, halves, guarded.reason));
  return undefined;
}

/**
 * The judge stage: each decided pair becomes a verdict, judged on the route its anchor was
 * templated to once (by classify, or here for a half that came from the store), with learned noise
 * both applied and fed. A pair whose judging throws goes to the DLQ instead.
 */
export function judgePairs(
  decisions: readonly JudgeDecision[],
  ctx: JudgeStageContext,
): JudgeStageResult {
  const out: JudgeStageResult = { judged: [], dlq: [] };
  for (const d of decisions) {
    const { records, route } = recordsOf(d.halves, d.known, ctx);
    const { traceId, service } = d.completing.record;
    const input = { traceId, service, records, expected: d.completing.expected, route };
    const verdict = judgeTrace(input, d.halves, ctx, out.dlq, true);
    if (verdict === undefined) continue;
    out.judged.push({ verdict, halves: d.halves, lagMs: ctx.now - d.completing.publishedAt });
  }
  return out;
}
