import { describe, expect, it } from 'vitest';
import { DiffCollector } from './collector.js';
import { diffText, summarizeTextDiff } from './text-diff.js';

describe('text diff', () => {
  it('summarises the changed region', () => {
    expect(summarizeTextDiff('a\nb\nc\nd', 'a\nB\nX\nd')).toEqual({
      line: 2,
      primaryLines: 2,
      shadowLines: 2,
      primaryFirst: 'b',
      shadowFirst: 'B',
    });
    expect(summarizeTextDiff('a\nb', 'a\nb\nc')).toMatchObject({
      line: 3,
      primaryLines: 0,
      shadowLines: 1,
    });
  });

  it('reports one minor finding at the body root', () => {
    const out = new DiffCollector();
    diffText('<p>1</p>', '<p>2</p>', out);
    expect(out.result().diffs).toEqual([
      {
        kind: 'body',
        path: '',
        op: 'replace',
        severity: 'minor',
        primary: '@@ -1,1 @@ <p>1</p>',
        shadow: '@@ +1,1 @@ <p>2</p>',
      },
    ]);
    const same = new DiffCollector();
    diffText('x', 'x', same);
    expect(same.result().diffs).toEqual([]);
  });
});
