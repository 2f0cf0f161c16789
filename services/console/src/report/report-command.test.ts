import { validateConfig } from '@shadowdiff/contracts';
import { deadPort, testCommandIo } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { reportCommand } from './report-command.js';

describe('shadowdiff report', () => {
  it('says which Redis it could not read and how to point it elsewhere, without a stack', async () => {
    const url = `redis://127.0.0.1:${await deadPort()}`;
    const t = testCommandIo();
    const exit = await reportCommand.run(validateConfig({ redis: { url } }), {}, [], t.io);
    expect(exit).toBe(1);
    expect(t.stderr()).toContain(`cannot read the evidence from ${url}`);
    expect(t.stderr()).toMatch(/redis\.url in the config, or \$REDIS_URL/);
    expect(t.stderr()).not.toMatch(/\n\s+at /);
  });
});
