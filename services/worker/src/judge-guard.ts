import { DLQ_HEADERS } from '@shadowdiff/contracts';
import type { Role, Verdict } from '@shadowdiff/contracts';
import type { HalfSet, OutboundMessage } from '@shadowdiff/engine';

/** The DLQ code of a pair whose judging threw. */
export const JUDGE_ERROR_CODE = 'ERR_JUDGE';
const MAX_REASON = 1_000;

export type Guarded = { ok: true; verdict: Verdict } | { ok: false; reason: string };

/**
 * Runs one pair's judging (engine `judge`, noise observation) and turns a throw into a value. The
 * engine has limits for every hostile input it knows (depth, size, decompression); this is the
 * net under them: one poison pair must not fail its batch, whose redelivery would throw again and
 * stall the partition for good.
 */
export function guardJudge(run: () => Verdict): Guarded {
  try {
    return { ok: true, verdict: run() };
  } catch (error) {
    const reason =
      error instanceof Error ? `${error.name}: ${error.message}` : `threw ${String(error)}`;
    return { ok: false, reason: `judging the pair failed: ${reason}`.slice(0, MAX_REASON) };
  }
}

/**
 * The dead-letter copies of a poison pair: each half's original bytes keyed by the trace id, with
 * the code and reason (a stored half has no source partition or offset any more).
 */
export function poisonPairMessages(
  topic: string,
  traceId: string,
  halves: HalfSet,
  reason: string,
): OutboundMessage[] {
  return (Object.entries(halves) as [Role, Uint8Array][]).map(([, value]) => ({
    topic,
    key: traceId,
    value,
    headers: { [DLQ_HEADERS.code]: JUDGE_ERROR_CODE, [DLQ_HEADERS.reason]: reason },
  }));
}
