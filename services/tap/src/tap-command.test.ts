import { UsageError, validateConfig } from '@shadowdiff/contracts';
import { testCommandIo } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { tapCommand } from './tap-command.js';

describe('shadowdiff tap flags', () => {
  const overrides = (values: Record<string, string>) => () => tapCommand.overrides?.(values);

  it('refuses flags the chosen mode would ignore, saying which to drop', () => {
    expect(
      overrides({ upstream: 'http://u:1', primary: 'http://p:1', shadow: 'http://s:1' }),
    ).toThrow(UsageError);
    expect(overrides({ upstream: 'http://u:1', primary: 'http://p:1' })).toThrow(
      /--upstream is for sidecar mode/,
    );
    expect(overrides({ role: 'shadow', primary: 'http://p:1', shadow: 'http://s:1' })).toThrow(
      /--role is for sidecar mode/,
    );
    expect(overrides({ mode: 'sidecar', primary: 'http://p:1' })).toThrow(
      /--primary\/--shadow are for mirror mode/,
    );
    expect(overrides({ role: 'shadow', upstream: 'http://u:1' })).not.toThrow();
  });

  it('refuses stray arguments before starting anything', async () => {
    const config = validateConfig({ tap: { upstream: 'http://127.0.0.1:1' } });
    await expect(
      tapCommand.run(config, {}, ['http://127.0.0.1:9000'], testCommandIo().io),
    ).rejects.toThrow(/unexpected argument 'http:\/\/127\.0\.0\.1:9000'/);
  });
});

describe('shadowdiff tap --secondary', () => {
  const overrides = (values: Record<string, string>) => tapCommand.overrides?.(values);

  it('sets tap.secondary and implies mirror mode', () => {
    const out = overrides({
      primary: 'http://p:1',
      shadow: 'http://s:1',
      secondary: 'http://p2:1',
    }) as { tap: Record<string, unknown> };
    expect(out.tap).toMatchObject({ mode: 'mirror', secondary: 'http://p2:1' });
    const config = validateConfig(out);
    expect(config.tap.secondary).toBe('http://p2:1');
    expect(config.tap.selfCheck.enabled).toBe(true);
  });

  it('is refused in sidecar mode, naming --role secondary', () => {
    expect(() => overrides({ mode: 'sidecar', secondary: 'http://p2:1' })).toThrow(
      /--secondary is for mirror mode.*--role secondary/,
    );
  });
});
