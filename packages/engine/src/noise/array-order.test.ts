import { describe, expect, it } from 'vitest';
import { compilePointer } from '../normalize/json-pointer.js';
import { arrayPointers, compareArrays } from './array-order.js';

describe('compareArrays', () => {
  it('tells a reordering from changed elements and from equal arrays', () => {
    expect(compareArrays({ t: ['b', 'a', 'c'] }, { t: ['c', 'b', 'a'] }, '/t')).toMatchObject({
      relation: 'permutation',
      sortedPrimary: false,
      sortedShadow: false,
    });
    expect(compareArrays({ t: ['a', 'b'] }, { t: ['a', 'x'] }, '/t')?.relation).toBe('content');
    expect(compareArrays({ t: ['a', 'b'] }, { t: ['a', 'b', 'c'] }, '/t')?.relation).toBe(
      'content',
    );
    expect(compareArrays({ t: [1, 2] }, { t: [1, 2] }, '/t')?.relation).toBe('same');
    expect(compareArrays({ t: 'x' }, { t: 'y' }, '/t')).toBeUndefined();
  });

  it('compares objects by content regardless of key order, sorted numbers numerically', () => {
    const a = {
      items: [
        { id: 2, n: 'b' },
        { n: 'a', id: 1 },
      ],
    };
    const b = {
      items: [
        { id: 1, n: 'a' },
        { id: 2, n: 'b' },
      ],
    };
    expect(compareArrays(a, b, '/items')?.relation).toBe('permutation');
    expect(compareArrays({ v: [10, 9] }, { v: [9, 10] }, '/v')).toMatchObject({
      sortedPrimary: false,
      sortedShadow: true,
    });
  });

  it('walks * through arrays and id-keyed objects, and skips volatile element fields', () => {
    const a = {
      users: {
        u1: {
          roles: [
            { r: 'x', ts: 1 },
            { r: 'y', ts: 2 },
          ],
        },
      },
    };
    const b = {
      users: {
        u1: {
          roles: [
            { r: 'y', ts: 5 },
            { r: 'x', ts: 6 },
          ],
        },
      },
    };
    expect(compareArrays(a, b, '/users/*/roles')?.relation).toBe('content');
    expect(compareArrays(a, b, '/users/*/roles', [compilePointer('/ts', 't')])?.relation).toBe(
      'permutation',
    );
  });

  it('lists the arrays a finding may sit in, outermost first', () => {
    expect(arrayPointers('/items/*/tags/*/name')).toEqual(['/items', '/items/*/tags']);
    expect(arrayPointers('/*')).toEqual(['']);
    expect(arrayPointers('/a/*x/b')).toEqual([]);
  });
});
