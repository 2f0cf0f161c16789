import { afterEach, describe, expect, it } from 'vitest';
import { Deadlines } from './deadlines.js';

class Target {
  error: Error | undefined;
  destroy(error: Error): void {
    this.error = error;
  }
}

let deadlines: Deadlines | undefined;
afterEach(() => deadlines?.close());

describe('Deadlines', () => {
  it('destroys what stays idle past the timeout with the configured error, and forgets it', async () => {
    deadlines = new Deadlines(20, () => new Error('too slow'));
    const idle = new Target();
    deadlines.track(idle);
    await expect.poll(() => idle.error?.message).toBe('too slow');
    expect(deadlines.size).toBe(0);
  });

  it('leaves cleared exchanges alone', async () => {
    deadlines = new Deadlines(20, () => new Error('too slow'));
    const cleared = new Target();
    const idle = new Target();
    deadlines.track(cleared).clear();
    deadlines.track(idle);
    await expect.poll(() => idle.error).toBeDefined();
    expect(cleared.error).toBeUndefined();
  });

  it('restarts an idle deadline on activity', async () => {
    deadlines = new Deadlines(60_000, () => new Error('too slow'), 5);
    const busy = new Target();
    const deadline = deadlines.track(busy);
    deadline.since = 0; // as if it had been idle since 1970
    deadline.touch();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(busy.error).toBeUndefined();
    deadline.since = 0;
    await expect.poll(() => busy.error).toBeDefined();
  });
});
