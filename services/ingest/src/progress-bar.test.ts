import { describe, expect, it } from 'vitest';
import { createProgressBar, renderProgress } from './progress-bar.js';

describe('progress bar', () => {
  it('renders done/total and percent', () => {
    expect(renderProgress('x', 15, 30)).toBe(`x [${'#'.repeat(15)}${'.'.repeat(15)}] 15/30 50%`);
    expect(renderProgress('x', 0, 0)).toMatch(/0\/0 100%$/);
  });

  it('prints one line per 10% when not on a terminal', () => {
    const out: string[] = [];
    const bar = createProgressBar({ write: (s) => out.push(s) > 0 }, 'p', 1000);
    for (let i = 0; i <= 1000; i += 5) bar.update(i);
    bar.finish();
    expect(out).toHaveLength(11);
    expect(out.at(-1)).toMatch(/1000\/1000 100%\n$/);
  });

  it('redraws in place on a terminal', () => {
    const out: string[] = [];
    const bar = createProgressBar({ write: (s) => out.push(s) > 0, isTTY: true }, 'p', 2);
    bar.update(1);
    bar.update(2);
    bar.finish();
    expect(out.slice(0, 2).every((s) => s.startsWith('\r'))).toBe(true);
    expect(out.at(-1)).toBe('\n');
  });
});
