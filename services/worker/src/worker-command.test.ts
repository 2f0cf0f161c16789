import { metrics } from '@opentelemetry/api';
import { UsageError, validateConfig } from '@shadowdiff/contracts';
import { deadPort, testCommandIo } from '@shadowdiff/testkit';
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

describe('shadowdiff worker start-up', () => {
  it('stops on request while Redis and Kafka never answer, instead of waiting for them', async () => {
    const t = testCommandIo(() => metrics.getMeter('worker-command-test'));
    const config = validateConfig({
      kafka: { brokers: [`127.0.0.1:${await deadPort()}`] },
      redis: { url: `redis://127.0.0.1:${await deadPort()}`, keyPrefix: 'wct:' },
      telemetry: { prometheus: { enabled: false } },
    });
    const exit = workerCommand.run(config, {}, [], t.io);
    setTimeout(t.stop, 1_000);
    await expect(exit).resolves.toBe(0);
    expect(t.stderr()).toContain('stopping before start-up finished');
  }, 20_000);
});
