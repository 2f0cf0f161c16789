import { describe, expect, it } from 'vitest';
import { planBatch } from './plan.js';
import { classified } from './plan.test.js';
import { resolveBatch } from './resolve.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('resolveBatch', () => {
  it('arms timeouts for waiting and duplicate halves, once per trace, and counts them', () => {
    const plan = planBatch(
      [classified('a', 'primary'), classified('a', 'primary'), classified('b', 'shadow')],
      7_000,
    );
    const d = resolveBatch(
      plan,
      [{ kind: 'waiting' }, { kind: 'duplicate' }, { kind: 'waiting' }],
      [],
    );
    expect(d).toMatchObject({ waiting: 2, duplicates: 1, judge: [], late: [] });
    expect(d.schedule).toEqual([
      { traceId: 'a', dueAt: 7_000 },
      { traceId: 'b', dueAt: 7_000 },
    ]);
  });

  it('judges a pair once, with its batch halves known, and needs no timeout for it', () => {
    const p = classified('a', 'primary');
    const again = classified('a', 'primary');
    const s = classified('a', 'shadow');
    const other = classified('b', 'primary');
    // Not one complete group (primary twice): every half is offered.
    const plan = planBatch([p, again, s, other], 7_000);
    const halves = { primary: again.bytes, shadow: s.bytes };
    const d = resolveBatch(
      plan,
      [
        { kind: 'waiting' },
        { kind: 'paired', halves },
        { kind: 'paired', halves },
        { kind: 'waiting' },
      ],
      [],
    );
    expect(d.judge).toHaveLength(1);
    expect(d.judge[0]).toEqual({ completing: again, halves, known: { primary: again, shadow: s } });
    expect(d.schedule).toEqual([{ traceId: 'b', dueAt: 7_000 }]);
  });

  it('leaves a stored partner unknown, to be decoded from its bytes', () => {
    const s = classified('a', 'shadow');
    const plan = planBatch([s], 1);
    const halves = { primary: bytes('stored'), shadow: s.bytes };
    const d = resolveBatch(plan, [{ kind: 'paired', halves }], []);
    expect(d.judge[0]!.known).toEqual({ shadow: s });
  });

  it('counts late halves, offered or claimed, and claim duplicates', () => {
    const late = classified('a', 'shadow');
    const p = classified('b', 'primary');
    const s = classified('b', 'shadow');
    const plan = planBatch([late, p, s], 1);
    const d = resolveBatch(
      plan,
      [{ kind: 'late', decided: 'orphan' }],
      [
        {
          kind: 'decided',
          roles: [{ kind: 'duplicate' }, { kind: 'late', decided: 'paired' }],
        },
      ],
    );
    expect(d.late).toEqual([late, s]);
    expect(d.duplicates).toBe(1);
    expect(d.judge).toEqual([]);
    expect(d.schedule).toEqual([]);
  });

  it('judges a claimed pair with the halves in hand, the last one in the batch completing it', () => {
    const p = classified('a', 'primary', 10);
    const s = classified('a', 'shadow', 20);
    const d = resolveBatch(planBatch([p, s], 1), [], [{ kind: 'paired' }]);
    expect(d.judge).toEqual([
      {
        completing: s,
        halves: { primary: p.bytes, shadow: s.bytes },
        known: { primary: p, shadow: s },
      },
    ]);
  });
});
