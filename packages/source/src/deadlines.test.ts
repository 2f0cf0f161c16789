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

  it('keeps exactly the uncleared exchanges, whatever order they end in', async () => {
    deadlines = new Deadlines(60_000, () => new Error('too slow'), 5);
    const targets = Array.from({ length: 10 }, () => new Target());
    const tracked = targets.map((t) => deadlines?.track(t) as ReturnType<Deadlines['track']>);
    // Head, tail, middle, a neighbour of a removed one, and one cleared twice.
    for (const i of [0, 9, 4, 5, 2, 2]) tracked[i]?.clear();
    expect(deadlines.size).toBe(5);
    for (const d of tracked) d.since = 0;
    await expect.poll(() => targets.filter((t) => t.error !== undefined).length).toBe(5);
    expect(targets.map((t) => t.error !== undefined)).toEqual([
      false,
      true,
      false,
      true,
      false,
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(deadlines.size).toBe(0);
    // The list still works after being emptied.
    const late = new Target();
    deadlines.track(late).since = 0;
    await expect.poll(() => late.error).toBeDefined();
  });

  it('copes with a destroy that ends other exchanges, and forgets everything on close', async () => {
    deadlines = new Deadlines(60_000, () => new Error('too slow'), 5);
    const second = new Target();
    const later: { second?: ReturnType<Deadlines['track']> } = {};
    const first = {
      error: undefined as Error | undefined,
      destroy(error: Error) {
        this.error = error;
        later.second?.clear(); // e.g. a mirrored pair failing together
      },
    };
    // Swept in tracking order: the first is destroyed before the second's turn comes.
    const firstDeadline = deadlines.track(first);
    const secondDeadline = deadlines.track(second);
    later.second = secondDeadline;
    const third = new Target();
    const thirdDeadline = deadlines.track(third);
    // Expire the first and second at once; the first's destroy clears the second.
    firstDeadline.since = 0;
    secondDeadline.since = 0;
    await expect.poll(() => first.error).toBeDefined();
    expect(second.error).toBeUndefined();
    expect(deadlines.size).toBe(1);
    deadlines.close();
    expect(deadlines.size).toBe(0);
    thirdDeadline.since = 0;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(third.error).toBeUndefined();
  });
});
