import type { Verdict } from '@shadowdiff/contracts';
import { pairedDeltaBucket, pairedRatioBucket } from '@shadowdiff/engine';
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

  it('counts diff pairs that noise could explain by their set of paths, and no others', () => {
    const batch = new SampleBatch(new LabelLimiter(), 2);
    const minor = (path: string, op: 'replace' | 'reorder' = 'replace') =>
      ({ kind: 'body', path, op, severity: 'minor' }) as const;
    batch.addVerdict(verdict({ outcome: 'diff', diffs: [minor('/tags', 'reorder')] }), {});
    batch.addVerdict(
      verdict({
        outcome: 'diff',
        diffs: [minor('/items/*/at'), minor('/items/*/at'), minor('/tags', 'reorder')],
      }),
      {},
    );
    batch.addVerdict(verdict({ outcome: 'diff', diffs: [minor('/tags', 'reorder')] }), {});
    // A status change or a removed field keeps the pair a diff whatever noise is learned.
    batch.addVerdict(
      verdict({
        outcome: 'diff',
        diffs: [
          minor('/tags', 'reorder'),
          { kind: 'status', path: 'status', op: 'replace', severity: 'critical' },
        ],
      }),
      {},
    );
    batch.addVerdict(
      verdict({
        outcome: 'diff',
        diffs: [{ kind: 'body', path: '/a', op: 'remove', severity: 'major' }],
      }),
      {},
    );
    const many = Array.from({ length: 17 }, (_, i) => minor(`/f${i}`));
    batch.addVerdict(verdict({ outcome: 'diff', diffs: many }), {});
    const [delta] = batch.build().stats;
    expect(delta?.diffSets).toEqual([
      { paths: ['body /tags'], count: 2 },
      { paths: ['body /items/*/at', 'body /tags'], count: 1 },
    ]);
    expect(delta?.diffSetsDropped).toBe(1);
  });

  it('keeps paired latency of pairs with both sides, as ratio and difference', () => {
    const batch = new SampleBatch(new LabelLimiter(), 2);
    batch.addVerdict(verdict({ latencyMs: { primary: 10, shadow: 30 } }), {});
    batch.addVerdict(verdict({ latencyMs: { primary: 10, shadow: 30 } }), {});
    batch.addVerdict(
      verdict({ outcome: 'orphan', roles: ['primary'], latencyMs: { primary: 10 } }),
      {},
    );
    const [delta] = batch.build().stats;
    expect(delta?.paired).toEqual({
      ratio: { [pairedRatioBucket(30, 10)]: 2 },
      delta: { [pairedDeltaBucket(20)]: 2 },
    });
  });
});
