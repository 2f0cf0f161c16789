import { DLQ_HEADERS } from '@shadowdiff/contracts';
import type { Role, TapRecord, Verdict } from '@shadowdiff/contracts';
import { classifyBatch, compileRules, planBatch, resolveBatch } from '@shadowdiff/engine';
import type { RouteMatch, SourceMessage } from '@shadowdiff/engine';
import { encodedJsonTapRecord } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { ShadowMetrics } from '@shadowdiff/telemetry';
import { judgePairs } from './judge-pairs.js';
import type { JudgeStageContext } from './judge-pairs.js';
import type { PairNoise } from './noise-runtime.js';
import { ThrottledLog } from './worker-log.js';

const rules = compileRules({});
const roles: readonly Role[] = ['primary', 'shadow'];
const shadowMetrics = new ShadowMetrics(metrics.getMeter('judge-pairs-test'));

function ctx(extra: Partial<JudgeStageContext> = {}): JudgeStageContext {
  return {
    rules,
    now: 1_000,
    noise: undefined,
    log: new ThrottledLog(() => {}),
    metrics: shadowMetrics,
    dlqTopic: 'dlq',
    ...extra,
  };
}

function msg(traceId: string, role: Role, body: unknown, timestamp: number): SourceMessage {
  const value = encodedJsonTapRecord(traceId, role, body, { url: '/orders/42' });
  return { topic: 't', partition: 0, offset: '0', key: traceId, value, timestamp };
}

/** classify → plan → (a store's answer, given) → resolve: the decisions the judge stage gets. */
function decided(batch: SourceMessage[]) {
  const taps = classifyBatch(batch, { rules, rolesOf: () => roles });
  const plan = planBatch(taps.halves, 0);
  return resolveBatch(plan, [], [{ kind: 'paired' }]).judge;
}

describe('judge stage (no store)', () => {
  it('judges each decided pair on its classified route, feeding noise the same route', () => {
    const observed: { verdict: Verdict; route: RouteMatch | undefined }[] = [];
    const noise: PairNoise = {
      filterFor: () => undefined,
      observe: (verdict: Verdict, _r: Partial<Record<Role, TapRecord>>, route?: RouteMatch) =>
        observed.push({ verdict, route }),
    };
    const decisions = decided([
      msg('t1', 'primary', { a: 1 }, 100),
      msg('t1', 'shadow', { a: 2 }, 150),
    ]);
    const { judged, dlq } = judgePairs(decisions, ctx({ noise }));
    expect(dlq).toEqual([]);
    expect(judged).toHaveLength(1);
    const [j] = judged;
    expect(j!.verdict).toMatchObject({ traceId: 't1', route: 'GET /orders/{id}', outcome: 'diff' });
    expect(j!.lagMs).toBe(850);
    expect(observed).toHaveLength(1);
    expect(observed[0]!.route).toBe(decisions[0]!.known.primary!.route);
  });

  it('logs a stored half that no longer decodes and judges what is left as an orphan', () => {
    const lines: string[] = [];
    const [d] = decided([msg('t2', 'primary', {}, 0), msg('t2', 'shadow', {}, 0)]);
    const broken = {
      ...d!,
      halves: { ...d!.halves, primary: new Uint8Array([7]) },
      known: { shadow: d!.known.shadow! },
    };
    const { judged } = judgePairs([broken], ctx({ log: new ThrottledLog((l) => lines.push(l)) }));
    expect(judged[0]!.verdict.outcome).toBe('orphan');
    expect(lines[0]).toMatch(/stored primary half no longer decodes/);
  });

  it('sends a pair whose judging throws to the DLQ instead of failing the batch', () => {
    const noise: PairNoise = {
      filterFor: (service) => {
        if (service === 'orders') throw new Error('poison');
        return undefined;
      },
      observe: () => {},
    };
    const decisions = decided([msg('t3', 'primary', {}, 0), msg('t3', 'shadow', {}, 0)]);
    const { judged, dlq } = judgePairs(decisions, ctx({ noise }));
    expect(judged).toEqual([]);
    expect(dlq.map((m) => m.key)).toEqual(['t3', 't3']);
    expect(dlq[0]!.headers?.[DLQ_HEADERS.code]).toBe('ERR_JUDGE');
  });
});
