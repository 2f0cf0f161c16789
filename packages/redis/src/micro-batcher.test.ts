import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './micro-batcher.js';

describe('MicroBatcher', () => {
  it('flushes at the size limit and after the wait, settling each add with its batch', async () => {
    const flushed: string[][] = [];
    const batcher = new MicroBatcher(
      (items) => {
        flushed.push(items);
        return items.includes('bad') ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      3,
      5,
    );
    await Promise.all(['a', 'b', 'c'].map((item) => batcher.add(item)));
    expect(flushed).toEqual([['a', 'b', 'c']]);
    const tail = [batcher.add('d'), batcher.add('bad')];
    await Promise.resolve();
    expect(flushed).toHaveLength(1);
    await expect(tail[0]).rejects.toThrow('boom');
    await expect(tail[1]).rejects.toThrow('boom');
    expect(flushed).toEqual([
      ['a', 'b', 'c'],
      ['d', 'bad'],
    ]);
  });

  it('rejects the batch when flush throws synchronously', async () => {
    const batcher = new MicroBatcher(
      () => {
        throw new Error('sync');
      },
      1,
      1,
    );
    await expect(batcher.add('x')).rejects.toThrow('sync');
  });
});
