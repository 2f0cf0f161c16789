import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED_PREFIX, createRedactor } from './redaction.js';

const key = Buffer.from('per-deployment-key');
const redactor = createRedactor({
  key,
  headers: ['X-Api-Key'],
  jsonPaths: ['/password', '/cards/*/number'],
});

describe('header redaction', () => {
  it('redacts the default and configured headers, keeping auth schemes and cookie names', () => {
    const headers: Record<string, string> = {
      authorization: 'Bearer s3cret',
      'proxy-authorization': 'Basic dXNlcjpwdw==',
      cookie: 'session=abc; theme=dark',
      'set-cookie': 'session=abc; Path=/; HttpOnly\nid=7; Secure',
      'x-api-key': 'k-123',
      'content-type': 'application/json',
    };
    redactor.headers(headers);
    expect(headers.authorization).toMatch(new RegExp(`^Bearer ${REDACTED_PREFIX}[\\w-]{22}$`));
    expect(headers['proxy-authorization']).toMatch(/^Basic redacted:/);
    expect(headers.cookie).toMatch(/^session=redacted:[\w-]{22}; theme=redacted:[\w-]{22}$/);
    expect(headers['set-cookie']).toMatch(
      /^session=redacted:[\w-]{22}; Path=\/; HttpOnly\nid=redacted:[\w-]{22}; Secure$/,
    );
    expect(headers['x-api-key']).toMatch(/^redacted:/);
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.stringify(headers)).not.toMatch(/s3cret|dXNlcjpwdw|abc|k-123/);
  });

  it('keeps equality: equal secrets give equal tokens, different secrets different ones', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const ha = { authorization: a };
        const hb = { authorization: b };
        redactor.headers(ha);
        redactor.headers(hb);
        expect(ha.authorization === hb.authorization).toBe(a === b);
      }),
    );
  });

  it('depends on the key: another deployment’s tokens differ', () => {
    const other = createRedactor({ key: Buffer.from('another-key') });
    expect(other.token('secret')).not.toBe(redactor.token('secret'));
    expect(createRedactor({ key }).token('secret')).toBe(redactor.token('secret'));
  });
});

describe('body redaction', () => {
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  const part = (body: Buffer, extra: object = {}) => ({
    body,
    bodySize: body.byteLength,
    bodyTruncated: false,
    ...extra,
  });

  it('replaces the values JSON pointers reach, with equality-preserving tokens', () => {
    const doc = {
      password: 'hunter2',
      cards: [{ number: '4111' }, { number: '4111' }, { number: 5 }],
      name: 'x',
    };
    const { part: out, outcome } = redactor.body(
      part(json(doc)),
      'application/json; charset=utf-8',
    );
    expect(outcome).toBe('redacted');
    const parsed = JSON.parse(Buffer.from(out.body).toString()) as typeof doc;
    expect(parsed.name).toBe('x');
    expect(parsed.password).toMatch(/^redacted:/);
    expect(parsed.cards[0]?.number).toBe(parsed.cards[1]?.number);
    expect(parsed.cards[2]?.number).not.toBe(parsed.cards[0]?.number);
    expect(Buffer.from(out.body).toString()).not.toMatch(/hunter2|4111/);
  });

  it('decodes a gzip body to redact it, and says the result is plain', () => {
    const { part: out, outcome } = redactor.body(
      part(gzipSync(json({ password: 'hunter2' })), { contentEncoding: 'gzip' }),
      'application/json',
    );
    expect(outcome).toBe('redacted');
    expect(out.contentEncoding).toBeUndefined();
    expect(JSON.parse(Buffer.from(out.body).toString()).password).toMatch(/^redacted:/);
  });

  it('leaves bodies alone when nothing matches or the type is not JSON', () => {
    const body = json({ other: 1 });
    expect(redactor.body(part(body), 'application/json')).toEqual({
      part: part(body),
      outcome: 'none',
    });
    expect(redactor.body(part(Buffer.from('password=1')), 'text/plain').outcome).toBe('none');
  });

  it('withholds a JSON body it cannot parse (truncated, broken, unknown encoding)', () => {
    const truncated = redactor.body(
      { ...part(json({ password: 'p' })), bodyTruncated: true, bodySize: 999 },
      'application/json',
    );
    expect(truncated.outcome).toBe('withheld');
    expect(truncated.part.body.byteLength).toBe(0);
    expect(truncated.part.bodyTruncated).toBe(true);
    expect(truncated.part.bodySize).toBe(999);
    expect(redactor.body(part(Buffer.from('{"password": ')), 'application/json').outcome).toBe(
      'withheld',
    );
    expect(
      redactor.body(part(json({ password: 'p' }), { contentEncoding: 'zstd' }), 'application/json')
        .outcome,
    ).toBe('withheld');
  });

  it('is a no-op without body rules', () => {
    const plain = createRedactor({ key });
    expect(plain.hasBodyRules).toBe(false);
    expect(plain.body(part(json({ password: 'p' })), 'application/json').outcome).toBe('none');
  });
});
