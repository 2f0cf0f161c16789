import { describe, expect, it } from 'vitest';
import { RepeatLimiter } from './repeat-limiter.js';

describe('RepeatLimiter', () => {
  it('writes one line per kind per interval and says how many it held back', () => {
    const lines: string[] = [];
    let now = 0;
    const limiter = new RepeatLimiter(
      (l) => lines.push(l),
      10_000,
      () => now,
    );
    const refused = (port: number) =>
      `kafka Connection: Connection error: connect ECONNREFUSED 127.0.0.1:${port}`;
    limiter.write(refused(9092));
    now = 1_000;
    limiter.write(refused(9093)); // same kind: ports do not make lines different
    limiter.write('kafka BrokerPool: Failed to connect to seed broker (x)'); // another kind
    now = 5_000;
    limiter.write(refused(9092));
    now = 11_000;
    limiter.write(refused(9092));
    expect(lines).toEqual([
      refused(9092),
      'kafka BrokerPool: Failed to connect to seed broker (x)',
      `${refused(9092)} (2 similar lines held back)`,
    ]);
  });
});
