import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { mergeConfig, parseConfig, validateConfig } from './config.js';

describe('config file', () => {
  it('fills every default from an empty file', () => {
    const config = parseConfig('');
    expect(config.worker.windowMs).toBe(10_000);
    expect(config.tap.mirror.methods).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(config.kafka.topics.taps).toBe('shadowdiff.taps');
  });

  it('names the bad key and the constraint', () => {
    expect(() =>
      parseConfig('tap:\n  mirror:\n    percent: 150\n', 'shadowdiff.yaml'),
    ).toThrowError(/shadowdiff\.yaml[\s\S]*tap\.mirror\.percent/);
  });

  it('rejects unknown keys by name instead of ignoring them', () => {
    try {
      parseConfig('worker:\n  windowMS: 5000\n', 'x.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('ERR_CONFIG_INVALID');
      expect((error as Error).message).toContain('worker.windowMS: unknown key');
      // The line lists what is valid there, so the fix is on screen.
      expect((error as Error).message).toMatch(/valid here: [^\n]*\bwindowMs\b/);
    }
    expect(() => parseConfig('tap:\n  mirror:\n    percnt: 5\n', 'x.yaml')).toThrowError(
      /tap\.mirror\.percnt: unknown key[^\n]*valid here: percent, methods/,
    );
    expect(() => parseConfig('tapp: {}\n', 'x.yaml')).toThrowError(
      /tapp: unknown key[^\n]*valid here: version, service, owner, kafka/,
    );
  });

  it('says what a URL and a listen address look like, and names where a bad value came from', () => {
    expect(() => validateConfig({ tap: { upstream: '127.0.0.1:9000' } })).toThrowError(
      /tap\.upstream: expected an absolute URL such as http:\/\/127\.0\.0\.1:9000/,
    );
    expect(() => validateConfig({ tap: { listen: '127.0.0.1:99999' } })).toThrowError(
      /tap\.listen: port must be 0-65535/,
    );
    expect(() =>
      validateConfig({ tap: { mirror: { percent: Number.NaN } } }, 'c.yaml', (path) =>
        path.join('.') === 'tap.mirror.percent' ? 'from a command-line flag' : undefined,
      ),
    ).toThrowError(/tap\.mirror\.percent: .* \(from a command-line flag\)/);
  });

  it('checks every route pattern and JSON pointer, naming the key', () => {
    const message = (raw: unknown) => {
      try {
        validateConfig(raw, 'c.yaml');
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    expect(message({ tap: { redact: { jsonPaths: ['/ok', '$.user.password'] } } })).toMatch(
      /tap\.redact\.jsonPaths\[1\]: "\$\.user\.password" is not a JSON pointer.* write "\/user\/password"/,
    );
    expect(message({ tap: { redact: { jsonPaths: [''] } } })).toMatch(
      /tap\.redact\.jsonPaths\[0\]: "" is the whole document/,
    );
    expect(message({ tap: { mirror: { exclude: ['/admin**'] } } })).toMatch(
      /tap\.mirror\.exclude\[0\]: "\/admin\*\*": "\*\*" must be a whole segment/,
    );
    expect(message({ tap: { mirror: { include: ['GET /api/**'] } } })).toMatch(
      /tap\.mirror\.include\[0\]: .*takes no method/,
    );
    expect(message({ tap: { mirror: { writeRoutes: ['POST orders'] } } })).toMatch(
      /tap\.mirror\.writeRoutes\[0\]: "POST orders" must be "\[METHOD \]\/path"/,
    );
    expect(
      message({ rules: { routes: [{ route: '/a', ignore: ['meta'], arrays: { 'x/y': 'set' } }] } }),
    ).toMatch(/rules\.routes\[0\]\.ignore\[0\]: [^\n]*\n {2}rules\.routes\[0\]\.arrays\.x\/y: /);
    expect(
      validateConfig({
        tap: { mirror: { include: ['/api/**'], writeRoutes: ['POST /orders/{id}/pay'] } },
        rules: { routes: [{ route: 'GET /static/**', ignore: ['/items/*/ts'] }] },
      }).tap.mirror.include,
    ).toEqual(['/api/**']);
  });

  it('reports YAML syntax errors with the source name', () => {
    expect(() => parseConfig('tap: [unclosed', 'bad.yaml')).toThrowError(
      /bad\.yaml is not valid YAML/,
    );
  });

  it('lets overrides (flags) win over the file, deeply', () => {
    const merged = mergeConfig(
      { tap: { mirror: { percent: 10, methods: ['GET'] } } },
      {
        tap: { mirror: { percent: 50 } },
      },
    );
    expect(merged).toEqual({ tap: { mirror: { percent: 50, methods: ['GET'] } } });
  });
});
