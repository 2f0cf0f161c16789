import type { Verdict } from '@shadowdiff/contracts';
import { LabelLimiter } from '@shadowdiff/telemetry';
import { describe, expect, it } from 'vitest';
import { SampleBatch } from './sample-batch.js';

function verdict(over: Partial<Verdict>): Verdict {
  return {
    v: 1,
    traceId: 't',
    service: 's',
    route: 'GET /a',
    outcome: 'match',
    decidedAt: 120_500,
    roles: ['primary', 'shadow'],
    status: { primary: 200, shadow: 200 },
    latencyMs: { primary: 3, shadow: 4 },
    diffs: [],
    suppressed: [],
    ...over,
  };
}

describe('SampleBatch', () => {
  it('counts suppressed findings by path and reason, and orphans by missing role', () => {
    const batch = new SampleBatch(new LabelLimiter(), 2);
    const suppressed: Verdict['suppressed'] = [
      { kind: 'body', path: '/requestId', reason: 'volatile' },
      { kind: 'header', path: 'date', reason: 'volatile' },
    ];
    batch.addVerdict(verdict({ traceId: 'a', suppressed }), {});
    batch.addVerdict(verdict({ traceId: 'b', suppressed: suppressed.slice(0, 1) }), {});
    batch.addVerdict(
      verdict({ traceId: 'c', outcome: 'orphan', roles: ['primary'], missingRoles: ['shadow'] }),
      {},
    );
    const [delta] = batch.build().stats;
    expect(delta?.minute).toBe(120_000);
    expect(delta?.suppressed).toEqual([
      { kind: 'body', path: '/requestId', reason: 'volatile', count: 2 },
      { kind: 'header', path: 'date', reason: 'volatile', count: 1 },
    ]);
    expect(delta?.missing).toEqual({ shadow: 1 });
  });
});
