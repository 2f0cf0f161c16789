import type { Role } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { classify } from './classify.js';
import type { ClassifiedHalf } from './classify.js';
import { knownKey, planBatch } from './plan.js';
import { context, halfMessage } from './align.test-kit.js';

export function classified(traceId: string, role: Role, publishedAt = 2_000): ClassifiedHalf {
  const c = classify(halfMessage(traceId, role, publishedAt), context);
  if (c.kind !== 'half') throw new Error(c.kind);
  return c.half;
}

describe('planBatch', () => {
  it('claims a trace whose every half is in the batch, offers the rest grouped by trace', () => {
    const halves = [
      classified('a', 'primary'),
      classified('b', 'primary'),
      classified('c', 'shadow'),
      classified('a', 'shadow'),
      classified('b', 'primary'),
    ];
    const plan = planBatch(halves, 9_000);
    expect(plan.claims).toEqual([
      { traceId: 'a', expected: ['primary', 'shadow'], halves: [halves[0], halves[3]] },
    ]);
    // b's two primaries (a redelivery) are no complete pair: offered, grouped, in first-seen order.
    expect(plan.offers.map((o) => [o.traceId, o.role, o.source])).toEqual([
      ['b', 'primary', halves[1]],
      ['b', 'primary', halves[4]],
      ['c', 'shadow', halves[2]],
    ]);
    expect(plan.offers[0]).toMatchObject({ deadlineAt: 9_000, expected: ['primary', 'shadow'] });
    expect(plan.offers[0]!.half).toBe(halves[1]!.bytes);
    expect(plan.known.get(knownKey('b', 'primary'))).toBe(halves[4]);
    expect(plan.unexpected).toEqual([]);
  });

  it('never offers a role its trace does not expect', () => {
    const odd = classified('a', 'secondary');
    const plan = planBatch([classified('a', 'primary'), odd], 1);
    expect(plan.unexpected).toEqual([odd]);
    expect(plan.offers.map((o) => o.role)).toEqual(['primary']);
    expect(plan.claims).toEqual([]);
  });

  it('plans nothing for an empty batch', () => {
    expect(planBatch([], 1)).toMatchObject({ offers: [], claims: [], unexpected: [] });
  });
});
