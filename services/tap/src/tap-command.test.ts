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
