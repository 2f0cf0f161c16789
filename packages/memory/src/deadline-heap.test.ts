import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineHeap } from './deadline-heap.js';

describe('DeadlineHeap', () => {
  it('pops due ids earliest first, one per trace at its earliest deadline', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 1_000 }))),
        fc.integer({ min: 0, max: 1_000 }),
        (pushes, now) => {
          const heap = new DeadlineHeap();
          const earliest = new Map<string, number>();
          for (const [id, due] of pushes) {
            heap.push(`t${id}`, due);
            earliest.set(`t${id}`, Math.min(earliest.get(`t${id}`) ?? Infinity, due));
          }
          const popped = heap.popDue(now, Infinity);
          const expected = [...earliest].filter(([, due]) => due <= now);
          expect(new Set(popped)).toEqual(new Set(expected.map(([id]) => id)));
          expect(popped).toHaveLength(expected.length);
          const dues = popped.map((id) => earliest.get(id)!);
          expect(dues).toEqual([...dues].sort((a, b) => a - b));
          expect(heap.size).toBe(earliest.size - expected.length);
          expect(heap.popDue(now, Infinity)).toEqual([]);
        },
      ),
    );
  });

  it('respects the pop limit and lets a popped trace be scheduled again', () => {
    const heap = new DeadlineHeap();
    heap.push('a', 1);
    heap.push('b', 2);
    heap.push('c', 3);
    expect(heap.popDue(10, 2)).toEqual(['a', 'b']);
    heap.push('a', 5);
    expect(heap.peek()).toBe(3);
    expect(heap.popDue(10, 10)).toEqual(['c', 'a']);
    expect(heap.peek()).toBeUndefined();
  });
});
