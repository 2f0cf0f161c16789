import { UsageError, validateConfig } from '@shadowdiff/contracts';
import { testCommandIo } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { workerCommand } from './worker-command.js';

describe('shadowdiff worker flags', () => {
  it('refuses a session timeout the broker would refuse, before connecting to anything', async () => {
    const run = (timeout: string) =>
      workerCommand.run(
        validateConfig({}),
        { 'session-timeout-ms': timeout },
        [],
        testCommandIo().io,
      );
    await expect(run('100')).rejects.toThrow(UsageError);
    await expect(run('5999')).rejects.toThrow(/--session-timeout-ms must be at least 6000/);
  });
});
