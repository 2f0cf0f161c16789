import { describe, expect, it } from 'vitest';
import { DiffCollector, MAX_ENTRIES } from './collector.js';
import { preview } from './preview.js';

describe('DiffCollector', () => {
  it('keeps one entry per kind, op and path, most severe first', () => {
    const out = new DiffCollector();
    out.diff({ kind: 'body', path: '/b', op: 'add', severity: 'info' });
    out.diff({ kind: 'body', path: '/a', op: 'replace', severity: 'minor', primary: 1 });
    out.diff({ kind: 'body', path: '/a', op: 'replace', severity: 'minor', primary: 2 });
    out.diff({ kind: 'status', path: 'status', op: 'replace', severity: 'critical' });
    out.suppress('body', '/z', 'volatile');
    out.suppress('body', '/z', 'volatile');
    const r = out.result();
    expect(r.diffs.map((d) => d.path)).toEqual(['status', '/a', '/b']);
    expect(r.diffs[1]?.primary).toBe(1);
    expect(r.suppressed).toEqual([{ kind: 'body', path: '/z', reason: 'volatile' }]);
  });

  it('folds findings past the cap into (other) with the worst severity', () => {
    const out = new DiffCollector();
    for (let i = 0; i < MAX_ENTRIES + 5; i++) {
      out.diff({ kind: 'body', path: `/k${i}`, op: 'add', severity: 'info' });
    }
    out.diff({ kind: 'body', path: '/late', op: 'remove', severity: 'major' });
    const { diffs } = out.result();
    expect(diffs).toHaveLength(MAX_ENTRIES + 1);
    expect(diffs[0]).toEqual({ kind: 'body', path: '(other)', op: 'replace', severity: 'major' });
  });

  it('moves filtered findings into suppressed', () => {
    const out = new DiffCollector();
    out.diff({ kind: 'body', path: '/a', op: 'replace', severity: 'minor' });
    out.diff({ kind: 'body', path: '/b', op: 'replace', severity: 'minor' });
    const r = out.result((e) => (e.path === '/a' ? 'learned' : undefined));
    expect(r.diffs.map((d) => d.path)).toEqual(['/b']);
    expect(r.suppressed).toEqual([{ kind: 'body', path: '/a', reason: 'learned' }]);
  });
});

describe('preview', () => {
  it('keeps scalars and bounds strings and containers', () => {
    expect(preview(5)).toBe(5);
    expect(preview(null)).toBe(null);
    expect(preview('x'.repeat(200))).toHaveLength(121);
    expect(preview({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
    expect((preview(Array.from({ length: 1e5 }, (_, i) => i)) as string).length).toBe(121);
  });
});
