import { describe, expect, it } from 'vitest';
import { classifyChange } from './value-class.js';

describe('classifyChange', () => {
  it.each([
    ['2024-05-01T10:00:00Z', '2024-05-01T11:30:00Z', 'at', 'time'],
    ['Wed, 01 May 2024 10:00:00 GMT', 'Wed, 01 May 2024 12:00:00 GMT', 'x', 'time'],
    [1_715_000_000_000, 1_715_000_090_000, 'generated', 'time'],
    ['1715000000', '1715000300', 'exp', 'time'],
    ['6f1d1c0e-8a3b-4c4e-9a51-3d2f6b9e0a11', '0b6e2a57-1f0e-4a4b-8f4e-2a7c9d3e5b12', 'id', 'id'],
    ['req_0b6e2a571f0e4a4b', 'req_9a51bd2f6b9e0a11', 'requestId', 'id'],
    ['aZ3kQ9xP2mL7vB4nR8tY1w', 'Qm7Lx2Pz9Kc4Vb1Nq8Rt6W', 'csrf', 'token'],
    [
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI5ODc2NTQzMjEwIn0.c2lnbmF0dXJlLXR3by1mb3ItdGVzdGluZzEyMzQ1Ng',
      'jwt',
      'token',
    ],
    [41, 57, 'seq', 'integer'],
    ['41', '57', 'seq', 'integer'],
    [0.123456789, 0.1234568, 'score', 'jitter'],
    [19.99, 21.5, 'price', 'number'],
    ['order packed', 'order shipped', 'note', 'text'],
    ['6f1d1c0e-8a3b-4c4e-9a51-3d2f6b9e0a11', 'n/a', 'id', 'text'],
    [true, false, 'flag', 'other'],
  ])('%j vs %j at %s is %s', (a, b, key, expected) => {
    expect(classifyChange(a, b, key)).toBe(expected);
  });
});
