import { describe, expect, it } from 'vitest';
import { bearerMatches, hostAllowed, isLoopbackHost, tokenDigest } from './auth.js';

describe('console auth', () => {
  it('knows which listen hosts are loopback only', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      'localhost',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of [
      undefined,
      '',
      '0.0.0.0',
      '::',
      '10.0.0.5',
      'console.internal',
      '128.0.0.1',
    ]) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });

  it('accepts exactly the bearer token', () => {
    const digest = tokenDigest('s3cret-token');
    expect(bearerMatches('Bearer s3cret-token', digest)).toBe(true);
    expect(bearerMatches('bearer   s3cret-token ', digest)).toBe(true);
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer s3cret',
      'Bearer s3cret-token2',
      'Basic s3cret-token',
      's3cret-token',
    ]) {
      expect(bearerMatches(header, digest)).toBe(false);
    }
  });

  it('answers only to loopback Host headers on the bound port when there is no token', () => {
    expect(hostAllowed('127.0.0.1:8088', 8088)).toBe(true);
    expect(hostAllowed('localhost:8088', 8088)).toBe(true);
    expect(hostAllowed('[::1]:8088', 8088)).toBe(true);
    expect(hostAllowed('localhost', 8088)).toBe(true);
    expect(hostAllowed('evil.example:8088', 8088)).toBe(false);
    expect(hostAllowed('127.0.0.1:9999', 8088)).toBe(false);
    expect(hostAllowed(undefined, 8088)).toBe(false);
  });
});
