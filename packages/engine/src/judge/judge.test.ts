import { gzipSync } from 'node:zlib';
import { decodeVerdict, encodeVerdict } from '@shadowdiff/contracts';
import type { CapturedResponse, Role, TapRecord, Verdict } from '@shadowdiff/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { compileRules } from '../route/compile-rules.js';
import { judge } from './judge.js';
import type { JudgeContext } from './judge.js';
import type { NoiseFilter } from './noise-filter.js';
import { TRUNCATED_PATH } from './compare-responses.js';

const rules = compileRules({});
const ctx: JudgeContext = { rules, now: 1_700_000_000_000 };

function response(body: string | Buffer, extra: Partial<CapturedResponse> = {}): CapturedResponse {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: bytes,
    bodySize: bytes.length,
    bodyTruncated: false,
    ...extra,
  };
}

function record(
  role: Role,
  res: CapturedResponse | undefined,
  extra: Partial<TapRecord> = {},
): TapRecord {
  return {
    v: 1,
    traceId: 't-1',
    role,
    service: 'shop',
    tapId: 'tap',
    capturedAt: 0,
    durationMs: role === 'primary' ? 12 : 15,
    request: {
      method: 'GET',
      url: '/orders/42?expand=1',
      headers: {},
      body: new Uint8Array(0),
      bodySize: 0,
      bodyTruncated: false,
    },
    ...(res === undefined ? {} : { response: res }),
    ...extra,
  };
}

const pair = (p: TapRecord, s: TapRecord, c: JudgeContext = ctx) =>
  judgeAndCheck(
    {
      traceId: 't-1',
      service: 'shop',
      records: { primary: p, shadow: s },
      expected: ['primary', 'shadow'],
    },
    c,
  );

const judgeAndCheck = (...args: Parameters<typeof judge>) => judged(judge(...args));

/** Every verdict a test produced must survive the v1 codec (strict schema) unchanged. */
const produced: Verdict[] = [];
afterEach(() => {
  for (const v of produced.splice(0)) {
    const decoded = decodeVerdict(encodeVerdict(v));
    expect(decoded.ok ? decoded.value : decoded.error).toEqual(JSON.parse(JSON.stringify(v)));
  }
});

function judged(v: Verdict): Verdict {
  produced.push(v);
  return v;
}

describe('judge', () => {
  it('matches identical responses and fills the verdict', () => {
    const v = pair(record('primary', response('{"a":1}')), record('shadow', response('{"a":1}')));
    expect(v).toEqual({
      v: 1,
      traceId: 't-1',
      service: 'shop',
      route: 'GET /orders/{id}',
      outcome: 'match',
      decidedAt: ctx.now,
      roles: ['primary', 'shadow'],
      status: { primary: 200, shadow: 200 },
      latencyMs: { primary: 12, shadow: 15 },
      diffs: [],
      suppressed: [],
    });
  });

  it('reports body drift', () => {
    const v = pair(
      record('primary', response('{"a":1,"b":2}')),
      record('shadow', response('{"a":2}')),
    );
    expect(v.outcome).toBe('diff');
    expect(v.diffs.map((d) => `${d.op} ${d.severity} ${d.path}`)).toEqual([
      'remove major /b',
      'replace minor /a',
    ]);
  });

  it('grades status changes: class change critical (bodies skipped), within class major', () => {
    const critical = pair(
      record('primary', response('{"a":1}')),
      record(
        'shadow',
        response('<h1>oops</h1>', { status: 503, headers: { 'content-type': 'application/json' } }),
      ),
    );
    expect(critical.diffs).toEqual([
      {
        kind: 'status',
        path: 'status',
        op: 'replace',
        severity: 'critical',
        primary: 200,
        shadow: 503,
      },
    ]);
    const major = pair(
      record('primary', response('{"a":1}')),
      record('shadow', response('{"a":1}', { status: 201 })),
    );
    expect(major.diffs.map((d) => d.severity)).toEqual(['major']);
  });

  it('compares equal when only one side is gzipped', () => {
    const body = JSON.stringify({ items: [1, 2, 3], name: 'x'.repeat(100) });
    const v = pair(
      record('primary', response(body)),
      record(
        'shadow',
        response(gzipSync(body), {
          contentEncoding: 'gzip',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        }),
      ),
    );
    expect(v.outcome).toBe('match');
    expect(v.diffs).toEqual([]);
  });

  it('finds drift inside a gzipped body', () => {
    const v = pair(
      record('primary', response('{"a":1}')),
      record('shadow', response(gzipSync('{"a":2}'), { contentEncoding: 'gzip' })),
    );
    expect(v.diffs.map((d) => d.path)).toEqual(['/a']);
  });

  it('suppresses volatile fields instead of dropping them', () => {
    const v = pair(
      record(
        'primary',
        response(
          '{"requestId":"550e8400-e29b-41d4-a716-446655440000","at":"2024-05-01T10:00:00Z"}',
        ),
      ),
      record(
        'shadow',
        response(
          '{"requestId":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","at":"2024-05-01T10:00:03Z"}',
        ),
      ),
    );
    expect(v.outcome).toBe('match');
    expect(v.suppressed).toEqual([
      { kind: 'body', path: '/requestId', reason: 'volatile' },
      { kind: 'body', path: '/at', reason: 'volatile' },
    ]);
  });

  it('never compares volatile headers', () => {
    const v = pair(
      record(
        'primary',
        response('{}', {
          headers: { 'content-type': 'application/json', date: 'Mon', etag: '"1"' },
        }),
      ),
      record(
        'shadow',
        response('{}', {
          headers: { 'content-type': 'application/json', date: 'Tue', etag: '"2"' },
        }),
      ),
    );
    expect(v.outcome).toBe('match');
  });

  it('does not compare truncated bodies, and says so', () => {
    const cut = (s: string) =>
      response(s.slice(0, 10), { bodySize: s.length, bodyTruncated: true });
    const v = pair(
      record('primary', cut('{"a":1,"b":"xxxxxxxx"}')),
      record('shadow', response('{"a":1,"b":"yy"}')),
    );
    expect(v.outcome).toBe('match');
    expect(v.suppressed).toEqual([{ kind: 'body', path: TRUNCATED_PATH, reason: 'rule' }]);
    // Cut at the same place with the same size, yet different past the cut: not compared either.
    const samePrefix = pair(
      record('primary', cut('{"a":1,"b":"xxxxxxxx"}')),
      record('shadow', cut('{"a":1,"b":"xxxxxxxy"}')),
    );
    expect(samePrefix.outcome).toBe('match');
    expect(samePrefix.suppressed).toEqual([{ kind: 'body', path: TRUNCATED_PATH, reason: 'rule' }]);
  });

  it('is an orphan naming the missing roles', () => {
    const v = judgeAndCheck(
      {
        traceId: 't-1',
        service: 'shop',
        records: { primary: record('primary', response('{}')) },
        expected: ['primary', 'shadow', 'secondary'],
      },
      ctx,
    );
    expect(v).toMatchObject({
      outcome: 'orphan',
      roles: ['primary'],
      missingRoles: ['shadow', 'secondary'],
      route: 'GET /orders/{id}',
      status: { primary: 200 },
      diffs: [],
    });
    const shadowOnly = judgeAndCheck(
      {
        traceId: 't',
        service: 's',
        records: { shadow: record('shadow', response('{}')) },
        expected: ['primary', 'shadow'],
      },
      ctx,
    );
    expect(shadowOnly).toMatchObject({
      outcome: 'orphan',
      missingRoles: ['primary'],
      route: 'GET /orders/{id}',
    });
  });

  it('is a critical status diff when one side failed upstream', () => {
    const v = pair(
      record('primary', response('{}')),
      record('shadow', undefined, { error: { kind: 'timeout', message: 'no answer in 5s' } }),
    );
    expect(v.outcome).toBe('diff');
    expect(v.status).toEqual({ primary: 200 });
    expect(v.diffs).toEqual([
      {
        kind: 'status',
        path: 'status',
        op: 'replace',
        severity: 'critical',
        primary: 200,
        shadow: 'error:timeout',
      },
    ]);
  });

  it('is an error when both sides failed upstream', () => {
    const v = pair(
      record('primary', undefined, { error: { kind: 'refused', message: 'ECONNREFUSED' } }),
      record('shadow', undefined, { error: { kind: 'timeout', message: 'slow' } }),
    );
    expect(v.outcome).toBe('error');
    expect(v.error?.code).toBe('ERR_UPSTREAM');
    expect(v.error?.message).toContain('ECONNREFUSED');
    expect(v.diffs.map((d) => `${d.severity} ${String(d.primary)} ${String(d.shadow)}`)).toEqual([
      'major error:refused error:timeout',
    ]);
    const same = pair(
      record('primary', undefined, { error: { kind: 'timeout', message: 'a' } }),
      record('shadow', undefined, { error: { kind: 'timeout', message: 'b' } }),
    );
    expect(same).toMatchObject({ outcome: 'error', diffs: [] });
  });

  it('reports a body type change (JSON vs HTML) and a vanished body', () => {
    const html = pair(
      record('primary', response('{"a":1}')),
      record(
        'shadow',
        response('<html>oops</html>', { headers: { 'content-type': 'application/json' } }),
      ),
    );
    expect(html.diffs.map((d) => `${d.op} ${d.severity} ${d.path}`)).toEqual(['type major ']);
    const empty = pair(record('primary', response('{"a":1}')), record('shadow', response('')));
    expect(empty.diffs.map((d) => `${d.op} ${d.severity}`)).toEqual(['remove major']);
  });

  it('applies the route rule of a configured pattern', () => {
    const c = {
      ...ctx,
      rules: compileRules({ routes: [{ route: 'GET /orders/{id}', ignore: ['/debug'] }] }),
    };
    const v = pair(
      record('primary', response('{"debug":1}')),
      record('shadow', response('{"debug":2}')),
      c,
    );
    expect(v.outcome).toBe('match');
    expect(v.suppressed).toEqual([{ kind: 'body', path: '/debug', reason: 'rule' }]);
  });

  it('lets the noise filter move findings to suppressed, never status', () => {
    const seen: string[] = [];
    const noise: NoiseFilter = {
      suppress(route, kind, path, op) {
        seen.push(`${route} ${kind} ${path} ${op}`);
        return path === '/n' ? 'learned' : undefined;
      },
    };
    const v = pair(
      record('primary', response('{"n":1,"m":1}')),
      record('shadow', response('{"n":2,"m":2}', { status: 201 })),
      { ...ctx, noise },
    );
    expect(v.diffs.map((d) => d.path)).toEqual(['status', '/m']);
    expect(v.suppressed).toEqual([{ kind: 'body', path: '/n', reason: 'learned' }]);
    expect(seen.sort()).toEqual([
      'GET /orders/{id} body /m replace',
      'GET /orders/{id} body /n replace',
    ]);
  });

  it('judges with the rule the noise filter supplies (learned sets)', () => {
    const learned = compileRules({
      routes: [{ route: 'GET /orders/{id}', arrays: { '/tags': 'set' } }],
    }).routes[0];
    const seen: unknown[] = [];
    const noise: NoiseFilter = {
      suppress: () => undefined,
      rule(route, configured) {
        seen.push([route, configured]);
        return learned;
      },
    };
    const p = record('primary', response('{"tags":["a","b"]}'));
    const s = record('shadow', response('{"tags":["b","a"]}'));
    expect(pair(p, s).outcome).toBe('diff');
    expect(pair(p, s, { ...ctx, noise }).outcome).toBe('match');
    expect(seen).toEqual([['GET /orders/{id}', undefined]]);
  });

  it('compares primary with secondary when no shadow is expected', () => {
    const v = judgeAndCheck(
      {
        traceId: 't',
        service: 's',
        records: {
          primary: record('primary', response('{"a":1}')),
          secondary: record('secondary', response('{"a":2}')),
        },
        expected: ['primary', 'secondary'],
      },
      ctx,
    );
    expect(v.outcome).toBe('diff');
    expect(v.roles).toEqual(['primary', 'secondary']);
  });
});
