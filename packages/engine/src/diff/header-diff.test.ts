import { describe, expect, it } from 'vitest';
import { compileRules } from '../route/compile-rules.js';
import { DiffCollector } from './collector.js';
import { diffHeaders } from './header-diff.js';

function run(a: Record<string, string>, b: Record<string, string>, headers?: string[]) {
  const out = new DiffCollector();
  diffHeaders(a, b, compileRules(headers === undefined ? {} : { headers }).headers, out);
  return out.result();
}

describe('diffHeaders', () => {
  it('compares the media type, ignoring charset case and other parameters', () => {
    expect(
      run(
        { 'content-type': 'application/json; charset=UTF-8' },
        { 'content-type': 'Application/JSON;charset=utf-8; boundary=x' },
      ).diffs,
    ).toEqual([]);
    expect(
      run(
        { 'content-type': 'application/json' },
        { 'content-type': 'application/json; charset=utf-8' },
      ).diffs,
    ).toEqual([]);
    expect(
      run({ 'content-type': 'application/json' }, { 'content-type': 'text/html' }).diffs,
    ).toEqual([
      {
        kind: 'header',
        path: 'content-type',
        op: 'type',
        severity: 'major',
        primary: 'application/json',
        shadow: 'text/html',
      },
    ]);
    expect(
      run(
        { 'content-type': 'text/html; charset=utf-8' },
        { 'content-type': 'text/html; charset=iso-8859-1' },
      ).diffs[0],
    ).toMatchObject({ op: 'replace', severity: 'minor', primary: 'utf-8', shadow: 'latin1' });
  });

  it('reports added and removed allowlisted headers', () => {
    const r = run({ 'cache-control': 'no-store' }, { 'x-v': '2' }, ['cache-control', 'x-v']);
    expect(r.diffs.map((d) => `${d.op} ${d.severity} ${d.path}`)).toEqual([
      'remove major cache-control',
      'add info x-v',
    ]);
  });

  it('compares every non-volatile header with *', () => {
    const r = run(
      { date: 'a', etag: '1', 'x-a': '1', server: 'x', 'content-encoding': 'gzip' },
      { date: 'b', etag: '2', 'x-a': '2', server: 'y' },
      ['*'],
    );
    expect(r.diffs.map((d) => d.path)).toEqual(['x-a']);
  });
});
